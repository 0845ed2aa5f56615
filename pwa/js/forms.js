// The fields of each kind of item, in one place: the capture forms and the sync screen's "correct and
// resend" form are drawn and read from the same lists, so an item is edited with the fields it was made with.
import { esc } from "./html.js";
import { t } from "./i18n.js";

// [field, widget, catalogue of choices (for "select")]
export const FIELDS = {
  visit: [["kind", "select", "visit_kinds"], ["notes", "text"], ["findings", "text"], ["follow_up_on", "date"]],
  dispute: [["category", "select", "categories"], ["risk_colour", "select", "risks"], ["title", "line"],
            ["description", "text"], ["parties", "parties"]],
  dispute_event: [["note", "text"]],
  call_back: [["satisfaction", "select", "satisfaction"], ["note", "text"]],
  zero_report: [["nothing_to_report", "yesno"], ["note", "text"]],
  follow_up_done: [["note", "text"]],
};
// the moment each kind of item happened: the phone's clock, which the server refuses when it runs ahead
export const WHEN = { visit: "visited_at", dispute: "reported_at", dispute_event: "occurred_at",
                      zero_report: "reported_at", follow_up_done: "done_at" };

// <option>s of a catalogue {code: label}, `selected` chosen
export const options = (choices, selected) =>
  Object.entries(choices).map(([k, label]) => `<option value="${esc(k)}"${k === selected ? " selected" : ""}>${esc(label)}</option>`).join("");

// datetime-local shows and takes the phone's local time; the data keeps ISO instants
const localInput = (iso) => {
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
};

function widget([name, kind, catalogue], value) {
  const label = t("field_" + name);
  if (kind === "select") return `<label>${label}<select name="${name}">${options(t(catalogue), value)}</select></label>`;
  if (kind === "text") return `<label>${label}<textarea name="${name}" rows="3">${esc(value)}</textarea></label>`;
  if (kind === "date") return `<label>${label}<input name="${name}" type="date" value="${esc(value)}"></label>`;
  if (kind === "datetime") return `<label>${label}<input name="${name}" type="datetime-local" required value="${esc(value ? localInput(value) : "")}"></label>`;
  if (kind === "yesno") return `<fieldset class="choice"><legend>${label}</legend>
      <label><input type="radio" name="${name}" value="yes"${value !== false ? " checked" : ""}>${t("nothing_yes")}</label>
      <label><input type="radio" name="${name}" value="no"${value === false ? " checked" : ""}>${t("nothing_no")}</label></fieldset>`;
  if (kind === "parties") return `<label>${label}<input name="${name}" value="${esc((value || []).map((p) => p.name).join("，"))}"></label>`;
  const required = name === "title" ? " required maxlength=\"200\"" : "";
  return `<label>${label}<input name="${name}"${required} value="${esc(value)}"></label>`;
}

// The form's fields for `spec` (a key of FIELDS), filled with `values`; `when` adds the item's time.
export function fields(spec, values = {}, when = null) {
  return (when ? [[when, "datetime"]] : []).concat(FIELDS[spec]).map((f) => widget(f, values[f[0]])).join("");
}

// The values of those fields, read back from the form.
export function read(form, spec, when = null) {
  const f = new FormData(form);
  const out = {};
  if (when) out[when] = new Date(f.get(when)).toISOString();
  for (const [name, kind] of FIELDS[spec]) {
    const value = f.get(name);
    if (kind === "yesno") out[name] = value !== "no";
    else if (kind === "date") out[name] = value || null;
    else if (kind === "parties") out[name] = String(value || "").split(/[,，、]/).map((s) => s.trim()).filter(Boolean).map((n) => ({ name: n }));
    else out[name] = value ?? "";
  }
  return out;
}
