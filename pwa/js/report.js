// The cell's report 月报 / 零报告 (daily in 日报告制), filed by its grid worker from the phone, offline too.
import * as data from "./data.js";
import * as outbox from "./outbox.js";
import * as forms from "./forms.js";
import { saveAndSync } from "./capture.js";
import { reportPeriod } from "./tasks.js";
import { esc } from "./html.js";
import { t } from "./i18n.js";

export async function show(root, go, user) {
  if (user.role !== "grid_worker") return go("#/tasks");
  const report = await data.reportDue(user.unit_code, await outbox.items());
  root.innerHTML = `<a href="#/tasks" class="back">← ${t("back")}</a>
    <form class="card" id="report"><h2>${t(report.kind === "daily" ? "daily_report" : "monthly_report")}</h2>
      <p>${esc(user.unit_name)} · ${esc(reportPeriod(report))}</p>
      ${report.filed ? `<p class="ok" id="report-state">${t("report_filed")}</p>` : `${forms.fields("zero_report")}
      <button type="submit">${t("file_report")}</button>`}<p class="ok" id="report-saved" role="status"></p></form>`;
  const form = root.querySelector("#report");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const fields = forms.read(form, "zero_report");
    const item = { cell_code: user.unit_code, kind: report.kind, period: report.period, ...fields,
                   reported_at: new Date().toISOString() };
    form.querySelector("button[type=submit]").disabled = true;
    await saveAndSync("zero_report", item, user.unit_name, root.querySelector("#report-saved"));
  });
}
