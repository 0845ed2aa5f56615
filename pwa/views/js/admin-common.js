// What the console's sections share: the grid's units from the tree (with their path, for choosing one), the pager
// of a listed page, and going to a section with its filters in the address (so a reload shows the same).
import * as api from "/app/js/api.js";
import { esc } from "/app/js/html.js";
import { t } from "/app/js/i18n.js";
import { query } from "./format.js";

export { pager } from "./pager.js";

let unitsAnswer = null;

/** Every unit of the county down to the cells: [{code, name, level, path}] (path: "town · village · cell"). */
export function allUnits() {
  unitsAnswer ??= api.get("/api/grid/tree?depth=3").then(({ root }) => {
    const units = [];
    const walk = (node, parents) => {
      const path = [...parents, node.name];
      units.push({ code: node.code, name: node.name, level: node.level, path: path.slice(1).join(" · ") || node.name });
      node.children.forEach((child) => walk(child, path));
    };
    walk(root, []);
    return units;
  });
  return unitsAnswer;
}

export const unitOptions = (units, selected = "") => units.map((u) =>
  `<option value="${esc(u.code)}" ${u.code === selected ? "selected" : ""}>${esc(u.path)}</option>`).join("");

/** Go to a section with these filters (the hash change redraws the page). */
export const go = (section, state) => { location.hash = `#${section}?${query(state)}`; };

/** A table of rows from [heading key, cell(row)] pairs; cells are HTML already escaped by the caller. */
export const table = (id, columns, rows) => `<div class="table-wrap"><table class="grid" id="${esc(id)}"><thead><tr>${
  columns.map(([key]) => `<th scope="col" class="text">${esc(t(key))}</th>`).join("")}</tr></thead><tbody>${
  rows.map((row) => `<tr data-id="${esc(row.id ?? row.row ?? "")}">${columns.map(([, cell]) =>
    `<td class="text">${cell(row)}</td>`).join("")}</tr>`).join("")}</tbody></table></div>`;

/** An upload's answer, a refusal included: {status, body} (an import's report comes with its refusal). */
export async function uploadForm(path, formData) {
  try {
    return { status: 200, body: await api.postForm(path, formData) };
  } catch (error) {
    if (!(error instanceof api.ApiError)) throw error;
    return { status: error.status, body: error.body };
  }
}
