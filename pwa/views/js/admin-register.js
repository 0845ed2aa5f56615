// The household register brought in (#register, 住户导入): a county's 人口底数 as xlsx or CSV, checked row by row by
// the API (a dry run first), then written in one transaction or not at all. Only the rows with a problem are listed:
// a county's file has tens of thousands of good ones, counted in the summary.
import { esc } from "/app/js/html.js";
import { t } from "/app/js/i18n.js";
import { table, uploadForm } from "./admin-common.js";
import { say } from "./register-forms.js";

export async function showRegisterImport(element, _params, { main }) {
  element.innerHTML = `<section class="card" id="register-import"><h2>${esc(t("adm_register_title"))}</h2>
    <p class="muted">${esc(t("adm_register_hint"))}</p>
    <form id="register-form" class="toolbar">
      <label>${esc(t("adm_file"))} <input type="file" name="file" accept=".csv,.xlsx" required></label>
      <label>${esc(t("adm_register_rows"))} <select name="rows"><option value="">${esc(t("adm_register_rows_auto"))}</option>
        <option value="member">${esc(t("adm_register_rows_member"))}</option>
        <option value="household">${esc(t("adm_register_rows_household"))}</option></select></label>
      <button type="submit" class="secondary" id="register-dry">${esc(t("adm_dry_run"))}</button>
      <button type="submit" id="register-apply">${esc(t("adm_apply"))}</button></form>
    <div id="register-report"></div></section>`;
  element.querySelector("form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    const apply = event.submitter?.id === "register-apply";
    const sent = new FormData();
    sent.append("file", form.elements.file.files[0]);
    if (form.elements.rows.value) sent.append("rows", form.elements.rows.value);
    sent.append("apply", apply ? "true" : "false");
    sent.append("report", "problems");
    const { status, body } = await uploadForm("/api/admin/register/import", sent);
    const result = body?.report && !Array.isArray(body.report) ? body.report : body;  // a refusal carries the report
    drawReport(element.querySelector("#register-report"), result, body);
    if (status === 200) say(main, t(result.applied ? "adm_register_written" : "adm_register_checked", summary(result)));
    else say(main, `${t("adm_failed")}：${body?.message_zh || ""} ${body?.message || status}`, { error: true });
  });
}

const summary = (result) => ({ rows: result.rows, households: result.households, people: result.people,
                               cells: result.cells, refused: result.refused, duplicate: result.duplicate,
                               warning: result.warning });

function drawReport(element, result, body) {
  if (!Array.isArray(result?.report)) {
    element.innerHTML = `<p class="error" id="register-error">${esc(body?.message_zh || "")} ${esc(body?.message || "")}</p>`;
    return;
  }
  const problems = (row) => row.problems.map((p) => `${p.message_zh} / ${p.message}`).join("；");
  element.innerHTML = `<p id="register-summary">${esc(t("adm_register_summary", summary(result)))}</p>
    ${result.file_errors.map((e) => `<p class="error">${esc(e.message_zh)} / ${esc(e.message)}</p>`).join("")}
    ${result.report.length ? table("register-table", [
      ["adm_row", (r) => esc(r.row)], ["adm_name", (r) => esc(r.name || "—")],
      ["adm_register_status", (r) => esc(t("adm_register_statuses")[r.status] || r.status)],
      ["adm_household", (r) => esc(r.household_code || "—")], ["adm_problems", (r) => esc(problems(r))]], result.report)
    : `<p class="muted" id="register-clean">${esc(t("adm_register_clean"))}</p>`}`;
}
