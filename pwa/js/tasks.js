// My tasks: the cell's report when it is due, open follow-ups (whose household, marked done here), and the
// disputes of my area with their deadline colours, each opening its timeline; households moving into my cell.
import * as data from "./data.js";
import * as outbox from "./outbox.js";
import { redrawSaying, saveAndSync } from "./capture.js";
import { movesCard, wireMoves } from "./moves-in.js";
import { esc } from "./html.js";
import { t } from "./i18n.js";

const COLOUR_ORDER = { red: 0, yellow: 1, green: 2 };

export async function show(root, user) {
  const items = await outbox.items();
  const followUps = await data.followUps(items);
  const disputes = (await data.disputes())
    .sort((a, b) => (COLOUR_ORDER[a.deadline] ?? 3) - (COLOUR_ORDER[b.deadline] ?? 3) || b.reported_at.localeCompare(a.reported_at));
  const today = data.chinaDay();
  const report = user.role === "grid_worker" ? await data.reportDue(user.unit_code, items) : null;
  const moves = user.role === "grid_worker" ? await movesCard(items) : "";
  root.innerHTML = `${moves}${report ? `<section class="card report-due ${urgent(report, today) ? "due" : ""}" id="report-due">
      <h2>${t(report.kind === "daily" ? "daily_report" : "monthly_report")}</h2>
      <p>${esc(reportPeriod(report))} · <strong>${report.filed ? t("report_filed") : t("report_not_filed")}</strong></p>
      ${report.filed ? "" : `<a class="button" href="#/report">${t("file_report")}</a>`}</section>` : ""}
    <section class="card"><h2>${t("follow_ups")}</h2><ul class="list" id="follow-ups">${followUps.map((f) => `
      <li data-visit="${esc(f.visit_id)}"><a href="#/household/${esc(f.household_code)}"><strong>${esc(f.head_name || f.household_code)}</strong>
        <span class="muted">${esc(f.address || "")}</span>
        <span class="badge ${f.follow_up_on < today ? "late" : ""}">${t("follow_up_on_day", { day: f.follow_up_on })}${
          f.follow_up_on < today ? " · " + t("overdue") : ""}</span>
        <span class="muted">${esc(f.findings)}</span></a>
        <button type="button" class="secondary done">${t("mark_done")}</button></li>`).join("") || `<li class="muted">${t("none")}</li>`}</ul>
      <p class="ok" id="follow-up-saved" role="status"></p></section>
    <section class="card"><h2>${t("my_disputes")}</h2>
      <a class="button secondary" href="#/report-dispute" id="public-dispute">${t("report_public_dispute")}</a>
      <ul class="list" id="disputes">${disputes.map((d) => `
      <li class="deadline-${esc(d.deadline)}"><a href="#/dispute/${esc(d.id)}"><strong>${esc(d.title)}</strong>
        <span class="badge ${d.deadline === "red" ? "late" : ""}">${t("deadline_" + (d.deadline || "none"))}
        ${d.due_at ? " · " + t("due") + " " + esc(d.due_at.slice(0, 10)) : ""}</span>
        <span class="muted">${esc(t("states")[d.state] || d.state)}</span></a></li>`).join("") || `<li class="muted">${t("none")}</li>`}
    </ul></section>`;
  root.querySelectorAll("#follow-ups .done").forEach((button) => button.addEventListener("click", async () => {
    const li = button.closest("li");
    const f = followUps.find((x) => x.visit_id === li.dataset.visit);
    await saveAndSync("follow_up_done", { visit_id: f.visit_id, done_at: new Date().toISOString(), note: "" },
                      f.head_name, root.querySelector("#follow-up-saved"));
    await redrawSaying(root, ["#follow-up-saved"], () => show(root, user));
  }));
  // the card goes once nothing waits: its answer stays on screen under the follow-ups
  wireMoves(root, () => redrawSaying(root, ["#move-saved", "#follow-up-saved"], () => show(root, user)));
}

// Marked when it is owed now: today's daily report, a late one, or the month's in its last ten days
// (when cells file it).
function urgent(report, today) {
  if (report.filed) return false;
  const following = new Date(Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)), 1));
  return report.kind === "daily" || report.late || (following - Date.parse(today)) / 86400000 <= 10;
}

export function reportPeriod(report) {
  return report.kind === "daily" ? report.period : t("month_of", { month: report.period.slice(0, 7) }) +
    (report.late ? ` · ${t("report_late")}` : "");
}
