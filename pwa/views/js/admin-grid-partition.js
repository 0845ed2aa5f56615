// Partition review on the console: a village (picked here or in the tree), a target, a proposal drawn over the
// village's households with the count of each cell (outliers marked), then applied; the village's cells as they
// stand are listed below (POST /api/admin/grid/units/<code>/partition, GET /api/grid/units/<code>/children).
import * as api from "/app/js/api.js";
import { esc } from "/app/js/html.js";
import { t } from "/app/js/i18n.js";
import { drawProposal, freshMap } from "./admin-grid-map.js";
import { count, percent } from "./format.js";
import { sortableTable } from "./table.js";

/** The partition card; villages: [{code, name, town}] from the tree. Returns pick(code) to choose a village. */
export function showPartition(element, villages) {
  element.innerHTML = `<h2>${esc(t("ag_partition"))}</h2><p class="muted">${esc(t("ag_partition_hint"))}</p>
    <form id="partition-form" class="toolbar">
      <label>${esc(t("ag_village"))} <select name="village" required><option value="">${esc(t("ag_pick_village"))}</option>${
        villages.map((v) => `<option value="${esc(v.code)}">${esc(v.town)} · ${esc(v.name)}（${esc(v.code)}）</option>`).join("")}</select></label>
      <label>${esc(t("ag_target"))} <input name="target" type="number" min="5" max="500" step="1"
        placeholder="${esc(t("ag_target_default"))}" style="width: 17em"></label>
      <button type="submit">${esc(t("ag_propose"))}</button>
      <button type="button" id="partition-apply" disabled>${esc(t("ag_apply_partition"))}</button>
    </form>
    <p id="partition-said" role="status"></p>
    <div id="proposal" hidden><h3 id="proposal-title"></h3><p id="proposal-notes"></p><div id="proposal-table"></div></div>
    <div id="partition-map" class="map" hidden></div>
    <div id="village-cells"></div>`;
  const form = element.querySelector("#partition-form");
  const applyButton = element.querySelector("#partition-apply");
  const said = element.querySelector("#partition-said");
  const say = (text, ok) => { said.textContent = text; said.className = ok ? "ok" : "error"; };
  const chosen = () => form.elements.village.value;
  let proposed = null;  // the village and target of the proposal shown: apply sends the same

  const run = async (apply) => {
    const code = chosen();
    if (!code) return;
    const target = form.elements.target.value ? Number(form.elements.target.value) : null;
    if (!form.reportValidity()) return;
    applyButton.disabled = true;
    say(t(apply ? "ag_applying" : "ag_proposing"), true);
    try {
      const answer = await api.post(`/api/admin/grid/units/${encodeURIComponent(code)}/partition`,
                                    { target: apply ? proposed.target : target, apply });
      await showProposal(element, answer);
      proposed = { code, target: answer.target };
      if (answer.applied) {
        const a = answer.applied;
        say(t("ag_partition_applied", { cells: a.cells, removed: a.removed.length, moved: count(a.households_moved) }), true);
        proposed = null;
      } else {
        say("", true);
        applyButton.disabled = false;
      }
      await showCells(element, code);
    } catch (error) {
      if (!(error instanceof api.ApiError)) throw error;
      say(error.message, false);
    } finally {
      element.dataset.answered = String(Number(element.dataset.answered || 0) + 1);
    }
  };
  form.addEventListener("submit", (event) => { event.preventDefault(); run(false); });
  form.addEventListener("change", () => { applyButton.disabled = true; proposed = null; });
  form.elements.village.addEventListener("change", () => showCells(element, chosen()));
  applyButton.addEventListener("click", () => proposed && proposed.code === chosen() && run(true));
  return (code) => { form.elements.village.value = code; form.dispatchEvent(new Event("change")); showCells(element, code); };
}

async function showProposal(element, proposal) {
  const box = element.querySelector("#proposal");
  box.hidden = false;
  element.querySelector("#proposal-title").textContent = t("ag_proposal", {
    village: proposal.village.name, target: proposal.target, tolerance: percent(proposal.tolerance) });
  const notes = [];
  if (proposal.outside_households.length) notes.push(t("ag_outside", { n: proposal.outside_households.length }));
  if (proposal.unlocated_households.length) notes.push(t("ag_unlocated", { n: proposal.unlocated_households.length }));
  element.querySelector("#proposal-notes").innerHTML = notes.map((n) => `<span class="error">${esc(n)}</span>`).join(" ");
  const rows = proposal.features.map((f) => ({ ...f.properties, deviation: f.properties.household_count / proposal.target - 1 }));
  const total = rows.reduce((sum, row) => sum + row.household_count, 0);
  sortableTable(element.querySelector("#proposal-table"), [
    { key: "code", label: t("ag_cell"), text: true }, { key: "name", label: t("ag_cell_name"), text: true },
    { key: "household_count", label: t("ag_households"), format: count },
    { key: "deviation", label: t("ag_deviation"), format: (v) => (v === null || v === undefined ? "" : `${v > 0 ? "+" : ""}${percent(v)}`) },
    { key: "status", label: t("ag_status"), text: true, format: (_, row) => (row.total ? "" : statusOf(row)) },
  ], rows, { id: "proposal-cells", footer: { code: t("ag_total"), name: "", household_count: total, deviation: null, total: true } });
  element.querySelectorAll("#proposal-cells tbody tr").forEach((tr) => {
    const row = rows.find((r) => r.code === tr.dataset.key);
    if (row && !row.within_tolerance) tr.classList.add("outlier");
  });
  const mapElement = element.querySelector("#partition-map");
  mapElement.hidden = false;
  if (window.L) drawProposal(await freshMap(mapElement), proposal);
  element.querySelector("#proposal").dataset.total = String(total);
}

const statusOf = (row) => (row.within_tolerance ? t("ag_fine") : t(row.deviation > 0 ? "ag_too_many" : "ag_too_few"));

/** The village's cells as the server holds them now. */
async function showCells(element, code) {
  const box = element.querySelector("#village-cells");
  if (!code) { box.innerHTML = ""; return; }
  const [village, cells] = await Promise.all([api.get(`/api/grid/units/${encodeURIComponent(code)}`),
    api.get(`/api/grid/units/${encodeURIComponent(code)}/children?geometry=false`)]);
  const rows = cells.features.map((f) => f.properties);
  box.innerHTML = `<h3>${esc(t("ag_current_cells", { village: village.properties.name }))}</h3><div></div>`;
  if (!rows.length) { box.lastElementChild.textContent = t("ag_no_cells"); return; }
  sortableTable(box.lastElementChild, [
    { key: "code", label: t("ag_cell"), text: true }, { key: "name", label: t("ag_cell_name"), text: true },
    { key: "household_count", label: t("ag_households"), format: count },
  ], rows, { id: "current-cells" });
  box.dataset.code = code;
}
