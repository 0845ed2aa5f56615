// One household's page in the register (#household/<code>): its record (ID numbers masked as the API answers them),
// corrections sent with the version read (a 409 opens a panel to choose, field by field, between the user's value and
// the record's, then resends with the current version), a location picked on the cell's map (confirmed when outside
// the cell), its members (register-members.js), a move to another cell and retirement 注销. Every answer is the household as
// it stands after, and the page is drawn again from it.
import * as api from "/app/js/api.js";
import { esc } from "/app/js/html.js";
import { t } from "/app/js/i18n.js";
import { chinaDay } from "./format.js";
import {
  areaCells, cellOptions, checkedTags, choice, confirmOutside, failure, field, input, outsideWarning, say,
  showFieldErrors, tagBoxes, tagNames, today,
} from "./register-forms.js";
import { cellMap } from "./register-map.js";
import { drawMembers } from "./register-members.js";
import { drawVisits } from "./register-visits.js";
import { markDrawn } from "./drawn.js";

const LABELS = { head_name: "reg_head", address: "reg_address", phone: "reg_phone", head_id_number: "reg_id_number",
                 tags: "reg_tags", location: "reg_location" };

export async function showHousehold(main, user, code, { shown }) {
  const household = await api.get(`/api/households/${encodeURIComponent(code)}`);
  if (!shown()) return;
  const said = sessionStorage.getItem("register-said");  // what the screen before did (登记新户)
  sessionStorage.removeItem("register-said");
  draw({ main, user }, household, said ? { text: said } : null);
}

function draw(page, household, said = null) {
  const h = household, retired = !!h.retired_at;
  const ctx = { ...page, household, picked: null };
  ctx.change = (path, body, form, text) => change(ctx, path, body, form, text);
  page.main.innerHTML = `<p><a href="${esc(sessionStorage.getItem("register-list") || "#list")}" id="back">${esc(t("reg_back"))}</a></p>
    <p id="said" role="status"></p>
    <article class="dispute-page" id="household" data-code="${esc(h.code)}" data-version="${esc(h.version)}" data-retired="${retired}">
      <header class="card"><h2 id="household-head">${esc(h.head_name)}</h2>
        <p><span class="muted">${esc(h.code)} · ${esc(h.cell_name)}</span>
          <span class="state-badge" id="household-state">${esc(retired ? t("reg_retired") : t("reg_on_register"))}</span></p></header>
      <div class="dispute-layout">
        <section class="card" id="record"><h3>${esc(t("reg_record"))}</h3>${record(h)}
          <div id="household-map" class="small-map"></div>
          <p class="muted" id="picked">${retired ? "" : esc(t("reg_pick_location"))}</p></section>
        ${retired ? "" : `<section class="card" id="edit"><h3>${esc(t("reg_edit"))}</h3>${editForm(h)}<div id="conflict"></div></section>`}
        <section class="card" id="members"><h3>${esc(t("reg_members_title"))}</h3><div id="members-body"></div></section>
        <section class="card" id="visits"><h3>${esc(t("visits_title"))}</h3><div id="visits-body"></div></section>
        ${retired ? "" : `<section class="card" id="move"><h3>${esc(t("reg_move"))}</h3><div id="move-body"></div></section>
        <section class="card" id="retire"><h3>${esc(t("reg_retire"))}</h3>${retireForm()}</section>`}
      </div></article>`;
  if (said) say(page.main, said.text, said);
  drawMembers(page.main.querySelector("#members-body"), ctx);
  drawVisits(page.main.querySelector("#visits-body"), h.code);
  cellMap(page.main.querySelector("#household-map"), h.cell_code, h.location?.coordinates, retired ? null : (point) => {
    ctx.picked = point;
    page.main.querySelector("#picked").textContent = t("reg_picked", { lon: point[0], lat: point[1] });
  });
  if (retired) return done(page.main);
  wireEdit(ctx);
  wireRetire(ctx);
  drawMove(ctx).then(() => done(page.main));
}

const done = (main) => { markDrawn(main.querySelector("#household")); };

function record(h) {
  const move = h.pending_move;
  return `<dl class="facts">
    <dt>${esc(t("reg_head"))}</dt><dd id="rec-head_name">${esc(h.head_name)}</dd>
    <dt>${esc(t("reg_id_number"))}</dt><dd id="rec-head_id_number">${esc(h.head_id_number || "—")}</dd>
    <dt>${esc(t("reg_address"))}</dt><dd id="rec-address">${esc(h.address)}</dd>
    <dt>${esc(t("reg_phone"))}</dt><dd id="rec-phone">${esc(h.phone || "—")}</dd>
    <dt>${esc(t("reg_tags"))}</dt><dd id="rec-tags">${esc(tagNames(h.tags) || "—")}</dd>
    <dt>${esc(t("reg_members"))}</dt><dd id="rec-member_count">${esc(h.member_count)}</dd>
    <dt>${esc(t("reg_location"))}</dt><dd id="rec-location">${esc(h.location ? h.location.coordinates.join(", ") : t("reg_no_location"))}</dd>
    <dt>${esc(t("reg_registered_at"))}</dt><dd>${esc(chinaDay(h.registered_at))}</dd>
    <dt>${esc(t("reg_version"))}</dt><dd id="rec-version">${esc(h.version)}</dd></dl>
    ${h.retired_at ? `<p class="error" id="retired-on">${esc(t("reg_retired_on", { day: chinaDay(h.retired_at),
      reason: t("retire_reasons")[h.retire_reason] || h.retire_reason }))}${h.retire_note ? ` · ${esc(h.retire_note)}` : ""}</p>` : ""}
    ${move ? `<p class="warning" id="pending-move">${esc(t("reg_pending_move", { cell: move.to_cell_name,
      who: move.requested_by || "—", day: chinaDay(move.requested_at) }))}</p>` : ""}`;
}

function editForm(h) {
  const keep = (now) => t("reg_keep_blank", { now: now || t("reg_empty_value") });
  return `<form id="edit-form" class="register-form" novalidate>
    ${field("head_name", t("reg_head"), input("head_name", { value: h.head_name, max: 50 }), { required: true })}
    ${field("address", t("reg_address"), input("address", { value: h.address }), { required: true })}
    ${field("phone", t("reg_phone"), input("phone", { placeholder: keep(h.phone), max: 11 }))}
    ${field("head_id_number", t("reg_id_number"), input("head_id_number", { placeholder: keep(h.head_id_number), max: 18 }))}
    ${field("tags", t("reg_tags"), tagBoxes("tags", h.tags))}
    <span class="field-error" data-for="location" role="alert"></span><span class="field-error" data-for="version" role="alert"></span>
    <button type="submit">${esc(t("reg_save"))}</button></form>`;
}

/** The fields the user changed from the record they read (phone and ID number: typed anew, never the masked value). */
function edited(ctx, form) {
  const h = ctx.household, changes = {};
  for (const name of ["head_name", "address"]) {
    if (form.elements[name].value.trim() !== h[name]) changes[name] = form.elements[name].value.trim();
  }
  for (const name of ["phone", "head_id_number"]) {
    if (form.elements[name].value.trim()) changes[name] = form.elements[name].value.trim();
  }
  const tags = checkedTags(form, "tags").sort();
  if (tags.join() !== [...h.tags].sort().join()) changes.tags = tags;
  if (ctx.picked) changes.location = { type: "Point", coordinates: ctx.picked };
  return changes;
}

function wireEdit(ctx) {
  const form = ctx.main.querySelector("#edit-form");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const changes = edited(ctx, form);
    if (!Object.keys(changes).length) return say(ctx.main, t("reg_nothing_changed"));
    save(ctx, changes);
  });
}

async function save(ctx, changes, { confirm = false } = {}) {
  const form = ctx.main.querySelector("#edit-form");
  const body = { version: ctx.household.version, ...changes, ...(confirm ? { confirm_location_outside: true } : {}) };
  try {
    draw(ctx, await api.patch(`/api/households/${ctx.household.code}`, body), { text: t("reg_saved") });
  } catch (error) {
    if (error.status === 409 && error.body?.current) return conflict(ctx, changes, error, confirm);
    if (outsideWarning(error)) {
      return confirmOutside(ctx.main.querySelector("#conflict"), () => save(ctx, changes, { confirm: true }));
    }
    say(ctx.main, failure(error, showFieldErrors(form, error)), { error: true });
  }
}

/** Someone changed the household since it was read: for each field that differs, the user's value or the record's. */
function conflict(ctx, changes, error, confirm) {
  const { current, differences } = error.body;
  const fields = Object.keys(differences || {});
  if (!fields.length) return draw(ctx, current, { text: error.message, error: true });  // e.g. retired meanwhile
  ctx.household = current;  // the next try is on the version the server holds now
  const host = ctx.main.querySelector("#conflict");
  host.innerHTML = `<div class="conflict-panel" id="conflict-panel" role="alert"><p class="error">${esc(t("reg_conflict"))}</p>
    ${fields.map((name) => `<fieldset data-field="${esc(name)}"><legend>${esc(t(LABELS[name] || name))}</legend>
      <label><input type="radio" name="choice-${esc(name)}" value="yours" checked> ${esc(t("reg_yours"))}：
        <span class="yours">${esc(shownValue(name, differences[name].yours))}</span></label>
      <label><input type="radio" name="choice-${esc(name)}" value="theirs"> ${esc(t("reg_theirs"))}：
        <span class="theirs">${esc(shownValue(name, differences[name].theirs))}</span></label></fieldset>`).join("")}
    <button type="button" id="save-choices">${esc(t("reg_save_choices"))}</button></div>`;
  host.querySelector("#save-choices").addEventListener("click", () => {
    const kept = Object.fromEntries(fields.filter((name) =>
      host.querySelector(`input[name="choice-${name}"]:checked`)?.value === "yours").map((name) => [name, changes[name]]));
    if (!Object.keys(kept).length) return draw(ctx, current, { text: t("reg_kept_theirs") });
    save(ctx, kept, { confirm });
  });
}

function shownValue(name, value) {
  if (value === null || value === undefined || value === "") return t("reg_empty_value");
  if (name === "tags") return tagNames(value) || t("reg_empty_value");
  if (name === "location") return value.coordinates.join(", ");
  return String(value);
}

/** A change of the register answered with the household (or {move, household}); a 409 shows the record as it is. */
async function change(ctx, path, body, form, text) {
  try {
    const after = await api.post(path, { version: ctx.household.version, ...body });
    draw(ctx, after.household || after, { text });
  } catch (error) {
    if (error.status === 409 && error.body?.current) return draw(ctx, error.body.current, { text: error.message, error: true });
    say(ctx.main, failure(error, showFieldErrors(form, error)), { error: true });
  }
}

async function drawMove(ctx) {
  const host = ctx.main.querySelector("#move-body"), move = ctx.household.pending_move;
  if (move) {
    host.innerHTML = `<p id="move-pending">${esc(t("reg_pending_move", { cell: move.to_cell_name, who: move.requested_by || "—",
      day: chinaDay(move.requested_at) }))}</p><button type="button" class="secondary" id="withdraw-move">${esc(t("reg_withdraw"))}</button>`;
    host.querySelector("#withdraw-move").addEventListener("click", async () => {
      try {
        await api.post(`/api/households/moves/${move.id}`, { action: "cancel", note: "" });
        const after = await api.get(`/api/households/${ctx.household.code}`);
        draw(ctx, after, { text: t("reg_withdrawn", { name: after.head_name }) });
      } catch (error) {
        say(ctx.main, failure(error, false), { error: true });
      }
    });
    return;
  }
  const cells = await areaCells();
  host.innerHTML = `<form id="move-form" class="register-form" novalidate>
    ${field("to_cell_code", t("reg_to_cell"), `<select name="to_cell_code"><option value="">—</option>${
      cellOptions(cells, { except: ctx.household.cell_code })}</select>`, { required: true })}
    ${field("other_cell", t("reg_other_cell"), input("other_cell", { max: 15 }))}
    ${field("reason", t("reg_move_reason"), input("reason", { max: 4000 }))}
    <button type="submit">${esc(t("reg_move"))}</button></form>`;
  const form = host.querySelector("#move-form");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const to = form.elements.other_cell.value.trim() || form.elements.to_cell_code.value;
    ctx.change(`/api/households/${ctx.household.code}/move`, { to_cell_code: to, reason: form.elements.reason.value.trim() },
               form, t("reg_move_asked"));
  });
}

function retireForm() {
  return `<form id="retire-form" class="register-form" novalidate>
    ${field("reason", t("reg_retire_reason"), choice("reason", "retire_reasons"), { required: true })}
    ${field("on", t("reg_day"), input("on", { type: "date", value: today() }), { required: true })}
    ${field("note", t("reg_note"), input("note", { max: 4000 }))}
    <button type="submit" class="danger">${esc(t("reg_retire"))}</button></form>`;
}

function wireRetire(ctx) {
  const form = ctx.main.querySelector("#retire-form"), h = ctx.household;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!window.confirm(t("reg_retire_confirm", { name: h.head_name, code: h.code }))) return;
    ctx.change(`/api/households/${h.code}/retire`, { reason: form.elements.reason.value, on: form.elements.on.value,
                                                     note: form.elements.note.value.trim() }, form, t("reg_retired_done"));
  });
}
