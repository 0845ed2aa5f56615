// Settling a register item the server sent back, on the sync screen. Three answers need the worker:
//  - a conflict: the household changed since this phone's copy (someone else corrected it). The server sends
//    the record as it stands and what differs; the worker sees both values of each field and keeps one, and
//    the change is sent again on the current version with only the fields they kept as theirs;
//  - a place outside the cell: a warning, confirmed (or the place corrected on the household later);
//  - a field refused (an ID number already living elsewhere, a bad phone): corrected where it is named.
// Nothing is overwritten without the worker choosing it.
import { esc } from "./html.js";
import { t } from "./i18n.js";
import "./register-messages.js";

export const isRegisterItem = (item) => item.type === "household_new" || item.type === "household_change";
const OWN = ["change", "household_code", "household_id", "move_id", "version"];

function shown(field, value) {
  if (value === null || value === undefined || value === "") return "—";
  if (field === "tags") return value.map((tag) => t("tag_names")[tag] || tag).join("、") || "—";
  if (field === "location") return value.coordinates.map((c) => c.toFixed(5)).join(", ");
  return String(value);
}

// errors as the server names them ({"members": {"0": {"id_number": [...]}}} or {"members.0.id_number": [...]}),
// as dotted paths to the item's own values
function paths(errors, prefix = "") {
  return Object.entries(errors || {}).flatMap(([key, value]) => (Array.isArray(value) || typeof value !== "object"
    ? [prefix + key] : paths(value, `${prefix}${key}.`)));
}
const at = (object, path) => path.split(".").reduce((o, k) => (o == null ? undefined : o[k]), object);
function setAt(object, path, value) {
  const keys = path.split(".");
  const last = keys.pop();
  keys.reduce((o, k) => o[k], object)[last] = value;
}
const correctable = (item) => paths(item.reason && item.reason.errors).filter((path) => !OWN.includes(path)
  && path !== "location" && (at(item.data, path) === null || typeof at(item.data, path) === "string"));
const label = (path) => t("field_" + path.split(".").pop());

// The form that settles the item, inside the rejected item's entry.
export function resolver(item) {
  const reason = item.reason || {};
  const differences = reason.differences || {};
  const conflict = reason.current && item.type === "household_change";
  const warned = (reason.warnings || []).some((w) => w.confirm_with === "confirm_location_outside");
  const fields = correctable(item);
  const choices = Object.entries(differences).map(([field, { yours, theirs }]) => `
    <fieldset class="choice" data-field="${esc(field)}"><legend>${esc(t("field_" + field))}</legend>
      <label><input type="radio" name="pick.${esc(field)}" value="yours" checked>${t("yours")}：${esc(shown(field, yours))}</label>
      <label><input type="radio" name="pick.${esc(field)}" value="theirs">${t("theirs")}：${esc(shown(field, theirs))}</label></fieldset>`).join("");
  return `<form class="fix register-fix">
    ${conflict ? `<p class="warn">${t("conflict_title")}</p>${choices ? `<p class="muted">${t("conflict_help")}</p>${choices}` : ""}` : ""}
    ${fields.map((path) => `<label>${esc(label(path))}<input name="${esc(path)}" value="${esc(at(item.data, path) || "")}"></label>`).join("")}
    ${warned ? `<label class="confirm"><input type="checkbox" name="confirm_location_outside" checked>${t("keep_outside")}</label>` : ""}
    <button type="submit">${conflict && !choices ? t("resend_current") : t("resend")}</button></form>`;
}

// The item's data settled as the form says; null when nothing is left to send (every field kept as it is).
export function resolved(item, form) {
  const f = new FormData(form);
  const out = structuredClone(item.data);
  const reason = item.reason || {};
  if (reason.current && item.type === "household_change") out.version = reason.current.version;
  for (const field of Object.keys(reason.differences || {})) if (f.get(`pick.${field}`) === "theirs") delete out[field];
  for (const path of correctable(item)) {
    const value = String(f.get(path) || "").trim();
    setAt(out, path, (path.endsWith("id_number") ? value.toUpperCase() : value) || null);
  }
  if (f.get("confirm_location_outside")) out.confirm_location_outside = true;
  const edits = Object.keys(out).filter((k) => !OWN.includes(k) && k !== "confirm_location_outside");
  return out.change === "edit" && !edits.length ? null : out;
}
