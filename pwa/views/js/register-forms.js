// What the register's forms share: fields with a place for their error, choices from the vocabulary, the API's 422
// field errors put next to their fields (in both languages, as the API answers them).
import * as api from "/app/js/api.js";
import { esc } from "/app/js/html.js";
import { t } from "/app/js/i18n.js";
import { chinaDay } from "./format.js";

export const TAGS = Object.keys(t("tag_names"));  // the catalogue is keyed by the server's tag codes


export const today = () => chinaDay(new Date());

/** A labelled field with its error span; `name` is the API's field name (members.0.name for a member row). */
export function field(name, label, control, { required = false } = {}) {
  const mark = required ? ' <span class="required" aria-hidden="true">*</span>' : "";
  return `<label class="field" data-field="${esc(name)}"><span>${esc(label)}${mark}</span>${control}
    <span class="field-error" data-for="${esc(name)}" role="alert"></span></label>`;
}

export const input = (name, { type = "text", value = "", placeholder = "", required = false, max = 200 } = {}) =>
  `<input type="${type}" name="${esc(name)}" value="${esc(value)}" placeholder="${esc(placeholder)}"
    ${type === "text" ? `maxlength="${max}"` : ""} ${type === "date" ? `max="${today()}"` : ""} ${required ? "required" : ""}>`;

/** A select of a vocabulary's values, labelled from the catalogue `labels` (e.g. "relations"). */
export function choice(name, labels, { selected = "", blank = false } = {}) {
  const names = t(labels);
  return `<select name="${esc(name)}">${blank ? `<option value="">—</option>` : ""}${Object.keys(names).map((value) =>
    `<option value="${esc(value)}" ${value === selected ? "selected" : ""}>${esc(names[value])}</option>`).join("")}</select>`;
}

export function tagBoxes(name, chosen = []) {
  return `<span class="choices tag-boxes">${TAGS.map((tag) => `<label><input type="checkbox" name="${esc(name)}"
    value="${tag}" ${chosen.includes(tag) ? "checked" : ""}> ${esc(t("tag_names")[tag])}</label>`).join("")}</span>`;
}

export const checkedTags = (form, name) => [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((b) => b.value);

export const tagNames = (tags) => (tags || []).map((tag) => t("tag_names")[tag] || tag).join("、");

/** The API's field errors ({json: {field: [...], members: {0: {name: [...]}}}}) as {"members.0.name": "…"}. */
export function flatErrors(errors, prefix = "") {
  if (Array.isArray(errors)) return { [prefix]: errors.filter((e) => typeof e === "string").join(" ") };
  if (!errors || typeof errors !== "object") return {};
  return Object.entries(errors).reduce((all, [key, value]) =>
    ({ ...all, ...flatErrors(value, prefix ? `${prefix}.${key}` : key) }), {});
}

/** Put a failed answer's field errors next to their fields; true when at least one found its field. */
export function showFieldErrors(form, error) {
  form.querySelectorAll(".field-error").forEach((span) => { span.textContent = ""; });
  form.querySelectorAll("[aria-invalid]").forEach((control) => control.removeAttribute("aria-invalid"));
  let shown = false;
  for (const [name, message] of Object.entries(flatErrors(error.body?.errors?.json))) {
    const span = form.querySelector(`.field-error[data-for="${CSS.escape(name)}"]`);
    if (!span) continue;
    span.textContent = message;
    span.closest("[data-field]")?.querySelector("input, select, textarea")?.setAttribute("aria-invalid", "true");
    shown = true;
  }
  return shown;
}

/** The line on top of a page saying what the last action did. */
export function say(main, text, { error = false } = {}) {
  const line = main.querySelector("#said");
  if (!line) return;
  line.className = error ? "error" : "ok";
  line.textContent = text;
}

/** What a failed request tells the user: the API's message (Chinese first), or the check-the-fields hint. */
export const failure = (error, fieldsShown) =>
  `${t("reg_failed")}：${fieldsShown ? t("reg_check_fields") : error.message}`;

/** The values of a form's named controls, empty ones left out. */
export function values(form, names) {
  return Object.fromEntries(names.map((name) => [name, form.elements[name]?.value.trim()]).filter(([, v]) => v));
}

/** The cells of the user's area, [{code, name, village}], from the grid tree (which the scope limits to the area). */
export async function areaCells() {
  const { root } = await api.get("/api/grid/tree?depth=3");
  const cells = [];
  const walk = (node, parent) => {
    if (node.level === "cell") cells.push({ code: node.code, name: node.name, village: parent?.name || "" });
    node.children.forEach((child) => walk(child, node));
  };
  walk(root, null);
  return cells;
}

export const cellOptions = (cells, { except = null, selected = "" } = {}) => cells.filter((c) => c.code !== except)
  .map((c) => `<option value="${esc(c.code)}" ${c.code === selected ? "selected" : ""}>${esc(c.village ? `${c.village} · ` : "")}${
    esc(c.name)}</option>`).join("");

/** A 422 that asks to confirm a location outside the cell (send again with confirm_location_outside). */
export const outsideWarning = (error) => error.status === 422
  && (error.body?.warnings || []).some((w) => w.confirm_with === "confirm_location_outside");

/** Ask in `host` whether to keep a location outside the cell; onConfirm() when the user keeps it. */
export function confirmOutside(host, onConfirm) {
  host.innerHTML = `<div class="warning" id="outside-warning" role="alert"><p>${esc(t("reg_outside"))}</p>
    <button type="button" id="confirm-outside">${esc(t("reg_confirm_outside"))}</button>
    <button type="button" class="secondary" id="cancel-outside">${esc(t("reg_cancel"))}</button></div>`;
  host.querySelector("#confirm-outside").addEventListener("click", () => { host.innerHTML = ""; onConfirm(); });
  host.querySelector("#cancel-outside").addEventListener("click", () => { host.innerHTML = ""; });
}
