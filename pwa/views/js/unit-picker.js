// Choosing a unit of the user's area on the desk: one select per level from the user's unit down to the unit shown,
// so a town secretary picks a village and then a cell (county staff a town first). The register and the activity
// page keep the unit chosen in their address.
import * as api from "/app/js/api.js";
import { esc } from "/app/js/html.js";
import { t } from "/app/js/i18n.js";

const CODE_LENGTHS = [6, 9, 12, 15];  // county, town, village, cell: a child's code starts with its parent's

/** Fills `element` with the selects down to `unit` (a code); onPick(code) gets the unit chosen, or the one above for 全部. */
export async function unitPicker(element, user, unit, onPick) {
  const parents = CODE_LENGTHS.filter((n) => n >= user.unit_code.length && n < unit.length + 3 && n < 15)
    .map((n) => unit.slice(0, n));
  const children = await Promise.all(parents.map((code) =>
    api.get(`/api/grid/units/${code}/children?geometry=false`).then((c) => c.features.map((f) => f.properties))));
  element.innerHTML = parents.map((parent, i) => {
    const chosen = unit.length > parent.length ? unit.slice(0, parent.length + 3) : "";
    return `<label>${esc(t("level_names")[children[i][0]?.level] || t("reg_unit"))}
      <select data-parent="${esc(parent)}"><option value="">${esc(t("reg_all"))}</option>${children[i].map((u) =>
        `<option value="${esc(u.code)}" ${u.code === chosen ? "selected" : ""}>${esc(u.name)}</option>`).join("")}</select></label>`;
  }).join("");
  element.querySelectorAll("select").forEach((select) => select.addEventListener("change", () =>
    onPick(select.value || select.dataset.parent)));
}

/** The county's code is where every list starts, not a unit to narrow to. */
export const isCounty = (code) => code.length === CODE_LENGTHS[0];
