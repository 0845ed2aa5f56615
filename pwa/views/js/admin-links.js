// Cadre links (#links?village=&page=): the current links of a village's households, a form linking a household to
// one of the village's cadres, unlinking, and the bulk import of a CSV or xlsx file with the API's report per row
// (a dry run first, then the import).
import * as api from "/app/js/api.js";
import { esc } from "/app/js/html.js";
import { t } from "/app/js/i18n.js";
import { allUnits, go, pager, table, unitOptions, uploadForm } from "./admin-common.js";
import { field, input, say, showFieldErrors, today } from "./register-forms.js";
import { markDrawn } from "./drawn.js";

const PAGE_SIZE = 500;  // a village's households on one page (the API's most)

export async function showLinks(element, params, { main, shown }) {
  const state = { village: params.get("village") || "", page: Math.max(1, Number(params.get("page")) || 1) };
  const villages = (await allUnits()).filter((u) => u.level === "village");
  element.innerHTML = `<div class="register-layout"><section class="card" id="links">
      <form class="toolbar" id="village-pick"><label>${esc(t("adm_village"))}
        <select name="village"><option value="">${esc(t("adm_choose_village"))}</option>${unitOptions(villages, state.village)}</select></label></form>
      <div id="links-body"></div></section>
    <aside class="card" id="link-side"></aside></div>
    <section class="card" id="link-import"></section>`;
  const pick = element.querySelector("#village-pick select");
  pick.addEventListener("change", () => go("links", { village: pick.value }));
  const redraw = () => showLinks(element, params, { main, shown });
  importForm(element.querySelector("#link-import"), main, redraw);
  if (!state.village) return;
  const [page, cadres] = await Promise.all([
    api.get(`/api/admin/cadre-links?unit_code=${state.village}&page=${state.page}&page_size=${PAGE_SIZE}`),
    api.get(`/api/admin/users?role=cadre&unit_code=${state.village}&page_size=500`),
  ]);
  if (!shown()) return;
  const body = element.querySelector("#links-body");
  body.innerHTML = page.items.length ? table("links-table", [
    ["adm_household", (l) => esc(l.household_code)], ["adm_head", (l) => esc(l.household_head)],
    ["adm_address", (l) => esc(l.household_address)], ["adm_cadre", (l) => esc(`${l.cadre_name}（${l.cadre_username}）`)],
    ["adm_since", (l) => esc(l.valid_from)],
    ["adm_actions", () => `<button type="button" class="secondary unlink">${esc(t("adm_unlink"))}</button>`],
  ], page.items) : `<p class="muted" id="links-empty">${esc(t("adm_none"))}</p>`;
  pager(body, page, (n) => go("links", { ...state, page: n }));
  body.querySelectorAll("button.unlink").forEach((button) => button.addEventListener("click", async () => {
    const link = page.items.find((l) => String(l.id) === button.closest("tr").dataset.id);
    try {
      await api.patch(`/api/admin/cadre-links/${link.id}`, { valid_to: today() });
      say(main, t("adm_unlinked", { household: link.household_code }));
      redraw();
    } catch (error) {
      say(main, `${t("adm_failed")}：${error.message}`, { error: true });
    }
  }));
  linkForm(element.querySelector("#link-side"), main, cadres.items, redraw);
  markDrawn(element.querySelector("#links"));
}

function linkForm(host, main, cadres, redraw) {
  host.innerHTML = cadres.length ? `<form id="link-form"><h2>${esc(t("adm_link"))}</h2>
    ${field("cadre_username", t("adm_cadre"), `<select name="cadre_username">${cadres.map((c) =>
      `<option value="${esc(c.username)}">${esc(`${c.display_name}（${c.username}）`)}</option>`).join("")}</select>`, { required: true })}
    ${field("household_code", t("adm_household"), input("household_code", { required: true, max: 32 }), { required: true })}
    <button type="submit">${esc(t("adm_link"))}</button></form>` : `<p class="muted" id="no-cadres">${esc(t("adm_no_cadres"))}</p>`;
  host.querySelector("form")?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    const body = { cadre_username: form.elements.cadre_username.value, household_code: form.elements.household_code.value.trim() };
    try {
      await api.post("/api/admin/cadre-links", body);
      say(main, t("adm_linked", { household: body.household_code, cadre: body.cadre_username }));
      redraw();
    } catch (error) {
      const fields = showFieldErrors(form, error);
      say(main, `${t("adm_failed")}：${fields ? t("adm_check_fields") : error.message}`, { error: true });
    }
  });
}

function importForm(host, main, redraw) {
  host.innerHTML = `<form id="import-form" class="toolbar"><h2>${esc(t("adm_import"))}</h2>
      <label>${esc(t("adm_file"))} <input type="file" name="file" accept=".csv,.xlsx" required></label>
      <label>${esc(t("adm_mode"))} <select name="mode"><option value="all">${esc(t("adm_mode_all"))}</option>
        <option value="partial">${esc(t("adm_mode_partial"))}</option></select></label>
      <button type="submit" name="dry" value="1" class="secondary" id="import-dry">${esc(t("adm_dry_run"))}</button>
      <button type="submit" name="apply" value="1" id="import-apply">${esc(t("adm_apply"))}</button></form>
    <div id="import-report"></div>`;
  host.querySelector("form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    const dryRun = event.submitter?.id === "import-dry";
    const sent = new FormData();
    sent.append("file", form.elements.file.files[0]);
    sent.append("mode", form.elements.mode.value);
    sent.append("dry_run", dryRun ? "true" : "false");
    const { status, body } = await uploadForm("/api/admin/cadre-links/import", sent);
    const result = body?.report && typeof body.report === "object" && !Array.isArray(body.report) ? body.report : body;
    drawReport(host.querySelector("#import-report"), result, body);
    say(main, status === 200 ? t("adm_report", result) : `${t("adm_failed")}：${body?.message_zh || body?.message || status}`,
        { error: status !== 200 });
    if (status === 200 && !dryRun) redraw();
  });
}

function drawReport(element, result, body) {
  if (!result?.report) {
    element.innerHTML = `<p class="error" id="import-error">${esc(body?.message_zh || "")} ${esc(body?.message || "")}</p>`;
    return;
  }
  const problems = (r) => r.errors.map((e) => `${e.message_zh} / ${e.message}`).join("；");
  element.innerHTML = `<p id="import-summary">${esc(t("adm_report", result))}</p>
    ${result.file_errors.map((e) => `<p class="error">${esc(e.message_zh)} / ${esc(e.message)}</p>`).join("")}
    ${table("import-table", [["adm_row", (r) => esc(r.row)], ["adm_cadre", (r) => esc(r.cadre_username || "—")],
      ["adm_household", (r) => esc(r.household_code || "—")], ["adm_ok", (r) => esc(r.ok ? t("adm_row_ok") : "✗")],
      ["adm_problems", (r) => esc(problems(r))]], result.report)}`;
}
