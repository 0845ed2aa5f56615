// The petitions window (/views/petitions, 信访 "一窗受理"): county staff and town secretaries register a letter, visit,
// call, SMS or online petition with its petitioner; earlier cases of the same person or household are looked up first
// and ticked to be linked (重复信访); the new case is then shown with its state, time limit and links. The case shown
// is kept in the address (#case=<id>), so a reload shows it again as the server holds it.
import * as api from "/app/js/api.js";
import { esc } from "/app/js/html.js";
import { t } from "/app/js/i18n.js";
import { chinaDay } from "./format.js";
import { showError, startView } from "./session.js";

const CHANNELS = ["walk_in", "letter", "phone", "sms", "online"];
const CATEGORIES = ["neighbour", "family", "land_rights", "land_requisition", "unpaid_wages", "social_insurance",
  "housing", "environment", "enterprise_community", "illegal_land_use", "other"];
const RISKS = ["blue", "yellow", "orange", "red"];
const PERSON = ["petitioner_name", "petitioner_id_number", "petitioner_mobile", "petitioner_address", "household_code",
  "cell_code"];
const MATTER = ["title", "description", "first_receiver_username"];

const field = (name, input) => `<label class="field" data-field="${name}">${esc(t(`petition_${name}`))}
    ${input}<span class="field-error" id="error-${name}" role="alert"></span></label>`;
const text = (name, attributes = "") => field(name, `<input name="${name}" ${attributes}>`);
const choice = (name, values, label) => field(name, `<select name="${name}">${values.map((v) =>
  `<option value="${esc(v)}">${esc(label(v))}</option>`).join("")}</select>`);

export async function render(main, user) {
  main.innerHTML = `<div class="petitions-layout">
    <form id="petition-form" class="card" novalidate>
      <h2>${esc(t("petition_register"))}</h2>
      <p class="error" id="form-error" role="alert"></p>
      <fieldset><legend>${esc(t("petition_person"))}</legend>
        ${text("petitioner_name", 'autocomplete="off" maxlength="50"')}
        ${text("petitioner_id_number", 'autocomplete="off" maxlength="18" inputmode="text"')}
        ${text("petitioner_mobile", 'autocomplete="off" maxlength="11" inputmode="numeric"')}
        ${text("petitioner_address", 'maxlength="200"')}
        ${text("household_code", 'maxlength="19" inputmode="numeric"')}
        ${text("cell_code", 'maxlength="15" inputmode="numeric"')}
        <p class="muted">${esc(t("petition_place_hint"))}</p></fieldset>
      <fieldset id="earlier"><legend>${esc(t("petition_earlier"))}</legend>
        <button type="button" id="look-up">${esc(t("petition_look_up"))}</button>
        <span class="field-error" id="error-linked_dispute_ids" role="alert"></span>
        <div id="earlier-list" aria-live="polite"><p class="muted">${esc(t("petition_look_up_hint"))}</p></div>
      </fieldset>
      <fieldset><legend>${esc(t("petition_matter"))}</legend>
        ${choice("channel", CHANNELS, (c) => t("channels")[c])}
        ${choice("category", CATEGORIES, (c) => t("categories")[c] || c)}
        ${choice("risk_colour", RISKS, (c) => t("risks")[c] || c)}
        ${text("title", 'maxlength="200"')}
        ${field("description", '<textarea name="description" rows="3" maxlength="4000"></textarea>')}
        ${text("first_receiver_username", `maxlength="64" value="${esc(user.username)}"`)}</fieldset>
      <button type="submit" class="primary">${esc(t("petition_submit"))}</button>
    </form>
    <section id="case" class="card" aria-live="polite" hidden></section></div>`;
  const form = main.querySelector("#petition-form");
  main.querySelector("#look-up").addEventListener("click", () => lookUp(form).catch((e) => showError(main, e)));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit(main, form).catch((e) => showError(main, e));
  });
  const shown = new URLSearchParams(location.hash.slice(1)).get("case");
  if (shown) showCase(main, await api.get(`/api/disputes/${encodeURIComponent(shown)}`));
}

/** The form's values the API takes (empty fields left out). */
function values(form, names) {
  const data = new FormData(form);
  return Object.fromEntries(names.map((n) => [n, String(data.get(n) || "").trim()]).filter(([, v]) => v));
}

/** Field messages from a 422 beside their fields; anything else above the form. */
function showErrors(form, error) {
  form.querySelectorAll(".field-error").forEach((span) => { span.textContent = ""; });
  form.querySelectorAll("[aria-invalid]").forEach((input) => input.removeAttribute("aria-invalid"));
  form.querySelector("#form-error").textContent = "";
  if (!error) return;
  const fields = (error.body && error.body.errors && error.body.errors.json) || {};
  const unplaced = [];
  for (const [name, messages] of Object.entries(fields)) {
    const span = form.querySelector(`#error-${CSS.escape(name)}`);
    const message = [].concat(...Object.values(typeof messages === "object" && !Array.isArray(messages)
      ? messages : { m: messages })).join("；");
    if (span) {
      span.textContent = message;
      form.querySelector(`[name="${CSS.escape(name)}"]`)?.setAttribute("aria-invalid", "true");
    } else unplaced.push(message);
  }
  form.querySelector("#form-error").textContent = unplaced.length || !Object.keys(fields).length
    ? `${t("petition_failed")}: ${[error.message, ...unplaced].join("；")}` : t("petition_fix_fields");
}

/**
 * POSTs to the API; a 422's field messages go beside the form's fields (`formName` maps the API's field names to the
 * form's) and the answer is null. Other errors are thrown.
 */
async function send(form, path, body, formName = (name) => name) {
  showErrors(form, null);
  try {
    return await api.post(path, body);
  } catch (error) {
    if (error.status !== 422) throw error;
    const named = error.body.errors?.json || {};
    const renamed = { json: Object.fromEntries(Object.entries(named).map(([k, v]) => [formName(k), v])) };
    showErrors(form, { message: error.message, body: { ...error.body, errors: renamed } });
    return null;
  }
}

async function lookUp(form) {
  const person = values(form, ["petitioner_id_number", "petitioner_name", "petitioner_mobile", "household_code"]);
  const query = { id_number: person.petitioner_id_number, name: person.petitioner_name,
                  mobile: person.petitioner_mobile, household_code: person.household_code };
  const body = Object.fromEntries(Object.entries(query).filter(([, v]) => v));
  const found = await send(form, "/api/petitions/earlier", body,
                           (name) => (name === "household_code" ? name : `petitioner_${name}`));
  if (!found) return;
  form.querySelector("#earlier-list").innerHTML = found.items.length ? `<p class="muted">${esc(t("petition_tick_to_link"))}</p>
    <ul class="earlier-cases">${found.items.map((c) => `<li><label><input type="checkbox" name="linked_dispute_ids"
      value="${esc(c.id)}"> <strong>${esc(c.title)}</strong>
      <span class="muted">${esc(chinaDay(c.reported_at))} · ${esc(t("channels")[c.channel] || c.channel)} ·
      ${esc(t("states")[c.state] || c.state)} · ${esc(c.matched_by.map((m) => t(`matched_${m}`)).join("、"))}</span>
      </label></li>`).join("")}</ul>` : `<p class="muted">${esc(t("petition_no_earlier"))}</p>`;
}

async function submit(main, form) {
  const body = { ...values(form, [...PERSON, ...MATTER]), ...values(form, ["channel", "category", "risk_colour"]),
                 linked_dispute_ids: [...form.querySelectorAll("input[name=linked_dispute_ids]:checked")]
                   .map((box) => box.value) };
  const created = await send(form, "/api/petitions", body);
  if (!created) return;
  history.replaceState(null, "", `#case=${created.id}`);
  form.reset();
  form.querySelector("#earlier-list").innerHTML = "";
  showCase(main, created);
}

function showCase(main, c) {
  const section = main.querySelector("#case");
  const linked = (cases) => (cases.length ? `<ul class="linked-cases">${cases.map((l) => `<li data-id="${esc(l.id)}">
      <strong>${esc(l.title)}</strong> <span class="muted">${esc(chinaDay(l.reported_at))} ·
      ${esc(t("states")[l.state] || l.state)}</span></li>`).join("")}</ul>` : `<p class="muted">${esc(t("none"))}</p>`);
  const colour = c.deadline || "none";
  section.innerHTML = `<h2>${esc(t("petition_registered"))}</h2>
    <dl class="case-facts">
      <dt>${esc(t("petition_title"))}</dt><dd id="case-title">${esc(c.title)}</dd>
      <dt>${esc(t("petition_petitioner"))}</dt><dd>${esc(c.petitioner ? c.petitioner.name : "—")}
        <span class="muted">${esc(c.petitioner?.id_number || "")} ${esc(c.petitioner?.mobile || "")}</span></dd>
      <dt>${esc(t("petition_channel"))}</dt><dd>${esc(t("channels")[c.channel] || c.channel)}</dd>
      <dt>${esc(t("state"))}</dt><dd id="case-state">${esc(t("states")[c.state] || c.state)}</dd>
      <dt>${esc(t("held_at"))}</dt><dd id="case-level">${esc(t("level_names")[c.level] || c.level)}</dd>
      <dt>${esc(t("petition_limit"))}</dt><dd id="case-limit"><span class="deadline deadline-${esc(colour)}">
        ${esc(t(`deadline_${colour}`))} · ${esc(t("due"))} ${esc(chinaDay(c.due_at))}</span></dd>
      <dt>${esc(t("petition_first_receiver"))}</dt><dd>${esc(c.first_receiver || "—")}</dd>
    </dl>
    <h3>${esc(t("petition_links_earlier"))}</h3><div id="links-earlier">${linked(c.links.earlier)}</div>
    <h3>${esc(t("petition_links_later"))}</h3><div id="links-later">${linked(c.links.later)}</div>
    <p><a class="button" id="open-on-desk" href="/views/desk#dispute/${esc(c.id)}">${esc(t("open_on_desk"))}</a></p>`;
  section.hidden = false;
}

startView("petitions_view", render);
