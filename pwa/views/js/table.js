// A table that sorts by any column (click a heading; empty values always last) and can select a row.
import { esc } from "/app/js/html.js";

/**
 * Fills the element with a table of rows. columns: [{key, label, format(value, row)?, html(value, row)?, flag(value,
 * row)?, text?}] (text columns align left and sort as strings; `html` gives the cell's markup, escaped by the caller;
 * a cell whose `flag` is true is marked class "flagged"). options: footer (a row shown under the body), rowKey,
 * onSelect(row), selected (the key of the selected row); sort {key, descending} and onSort({key, descending}) for rows
 * the server sorts: the table shows them in their order, marks the sort and asks onSort for another.
 */
export function sortableTable(element, columns, rows, options = {}) {
  const { footer, rowKey = "code", onSelect, selected, id, sort, onSort } = options;
  const state = sort || element.sortState || { key: null, descending: false };
  element.sortState = state;
  const cell = (column, row) => {
    const value = row[column.key];
    const classes = [column.text ? "text" : "", column.flag?.(value, row) ? "flagged" : ""].filter(Boolean).join(" ");
    return `<td class="${classes}" data-key="${esc(column.key)}">${column.html ? column.html(value, row)
      : esc(column.format ? column.format(value, row) : value ?? "—")}</td>`;
  };
  const body = () => (onSort ? rows : sorted(rows, state, columns)).map((row) => `<tr data-key="${esc(row[rowKey])}"${
    row[rowKey] === selected ? ' class="selected"' : ""}>${columns.map((c) => cell(c, row)).join("")}</tr>`).join("");
  const heading = (c) => `<th scope="col" tabindex="0" class="${c.text ? "text" : ""}" data-key="${esc(c.key)}"${state.key === c.key
    ? ` aria-sort="${state.descending ? "descending" : "ascending"}"` : ""}>${esc(c.label)}</th>`;
  element.innerHTML = `<div class="table-wrap"><table class="grid"${id ? ` id="${esc(id)}"` : ""}>
    <thead><tr>${columns.map(heading).join("")}</tr></thead><tbody>${body()}</tbody>
    ${footer ? `<tfoot><tr>${columns.map((c) => cell(c, footer)).join("")}</tr></tfoot>` : ""}</table></div>`;
  const sortBy = (key) => {
    // a new column starts with the largest numbers (or A for text); the same column again turns the order round
    const descending = state.key === key ? !state.descending : !columns.find((c) => c.key === key).text;
    if (onSort) return onSort({ key, descending });
    Object.assign(state, { key, descending });
    return sortableTable(element, columns, rows, options);
  };
  element.querySelectorAll("thead th").forEach((th) => {
    th.addEventListener("click", () => sortBy(th.dataset.key));
    th.addEventListener("keydown", (event) => { if (event.key === "Enter") sortBy(th.dataset.key); });
  });
  if (onSelect) element.querySelectorAll("tbody tr").forEach((tr) => tr.addEventListener("click", () => {
    onSelect(rows.find((row) => String(row[rowKey]) === tr.dataset.key));
  }));
}

function sorted(rows, { key, descending }, columns) {
  if (!key) return rows;
  const text = columns.find((c) => c.key === key)?.text;
  const empty = (v) => v === null || v === undefined;
  return [...rows].sort((a, b) => {
    const x = a[key], y = b[key];
    if (empty(x) || empty(y)) return empty(x) - empty(y);
    const order = text ? String(x).localeCompare(String(y), "zh-CN") : x - y;
    return descending ? -order : order;
  });
}
