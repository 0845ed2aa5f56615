// A dispute's page on the desk: its facts, parties, place (with a small map), the case plan 四定, the timeline, the
// deadline with days left, and a button for each step the server says this user may take now (`actions`). Each step
// opens its own form; the answer redraws the page. A 409 (someone acted meanwhile) shows the dispute as it is now and
// what changed, so the user can act again on what they see.
import * as api from "/app/js/api.js";
import { esc } from "/app/js/html.js";
import { t } from "/app/js/i18n.js";
import { attachmentList, fileField, hideBroken, uploadFiles } from "./attachments.js";
import { createMap } from "./choropleth.js";
import { deadlineBadge } from "./disputes.js";
import { addDays, chinaDay, chinaTime } from "./format.js";

const DAY_MS = 86400000;
const TEXT_MAX = 4000;

// The fields of each step's form: [name, input, required, label key]. The server checks them again.
const STEP_FIELDS = {
  accept: [["note", "textarea", false, "note"]],
  decline: [["note", "textarea", true, "reason"], ["notice", "notice", true, "notice"]],
  assign: [["leader_username", "leader", true, "leader"], ["measures", "textarea", true, "measures"],
           ["responsible", "text", true, "responsible"], ["due_on", "date", true, "due_on"],
           ["owner_unit_code", "owner", false, "owner_unit"], ["note", "textarea", false, "note"]],
  mediate: [["note", "textarea", true, "note"]],
  resolve: [["agreement", "textarea", true, "agreement"], ["note", "textarea", false, "note"]],
  escalate: [["note", "textarea", true, "reason"]],
  call_back: [["satisfaction", "satisfaction", true, "satisfaction_label"], ["note", "textarea", false, "note"]],
  close: [["note", "textarea", false, "note"]],
  supervise: [["note", "textarea", true, "supervision"]],
  note: [["note", "textarea", true, "note"]],
};
const LEVEL_DEPTH = { county: 0, town: 1, village: 2, cell: 3 };

/** Draw the dispute `id` into main; `said` is a message to keep on top (the answer to the user's last action). */
export async function showDispute(main, user, id, { said = null, shown = () => true, onChange = () => {} } = {}) {
  const dispute = await api.get(`/api/disputes/${id}`);
  if (shown()) draw(main, user, dispute, { said, onChange });
}

function draw(main, user, dispute, { said, onChange }) {
  main.innerHTML = `<p><a href="#box" id="back">${esc(t("back_to_list"))}</a></p>
    <p id="said" role="status" class="${said?.error ? "error" : "ok"}">${said ? said.html : ""}</p>
    <article class="dispute-page" data-id="${esc(dispute.id)}" data-state="${esc(dispute.state)}"
      data-version="${esc(dispute.version)}">
      <header class="card"><h2 id="dispute-title"><span class="risk risk-${esc(dispute.risk_colour)}"></span>${esc(dispute.title)}</h2>
        <p><span class="state-badge" id="dispute-state">${esc(t("states")[dispute.state] || dispute.state)}</span>
          <span class="muted">${esc(t("held_by"))}</span> <span id="dispute-level">${esc(t("levels_held")[dispute.level])}</span>
          ${deadlineBadge(dispute)} <span id="days-left">${esc(daysLeft(dispute))}</span></p></header>
      <div class="dispute-layout">
        <section class="card" id="facts"><h3>${esc(t("facts"))}</h3>${facts(dispute)}${petition(dispute, user)}</section>
        <section class="card" id="where"><h3>${esc(t("place"))}</h3>
          <p id="places">${esc(dispute.places.map((p) => p.name).join(" / "))}</p>
          ${dispute.household_code ? `<p id="household">${esc(t("household"))}：${esc(dispute.household_head)} · ${esc(dispute.household_address)}</p>` : ""}
          ${dispute.location ? '<div id="dispute-map" class="small-map"></div>' : `<p class="muted">${esc(t("no_location"))}</p>`}
        </section>
        <section class="card" id="plan"><h3>${esc(t("plan"))}</h3>${plan(dispute)}</section>
        <section class="card" id="act"><h3>${esc(t("actions"))}</h3>${actionButtons(dispute)}<div id="step-form"></div></section>
        <section class="card" id="timeline"><h3>${esc(t("timeline"))}</h3>${timeline(dispute)}</section>
      </div></article>`;
  main.querySelectorAll("button[data-reveal]").forEach((button) => button.addEventListener("click", () =>
    reveal(main, dispute, button)));
  main.querySelector("#back").addEventListener("click", (event) => {
    event.preventDefault();
    history.back();
  });
  hideBroken(main.querySelector("#timeline"));
  if (dispute.location) drawMap(main.querySelector("#dispute-map"), dispute.location);
  main.querySelectorAll("#act button[data-step]").forEach((button) => button.addEventListener("click", () =>
    openForm(main, user, dispute, button.dataset.step, { onChange })));
}

function daysLeft(dispute) {
  if (!dispute.due_at || !dispute.deadline) return "";
  const days = Math.ceil((new Date(dispute.due_at) - Date.now()) / DAY_MS);
  if (days < 0) return t("days_over", { n: -days });
  return days === 0 ? t("due_today") : t("days_left", { n: days });
}

function facts(d) {
  const role = (p) => (p.role ? `（${esc(t("party_roles")[p.role] || p.role)}）` : "");
  const parties = (d.parties || []).map((p) => `${esc(p.name)}${role(p)}`).join("、");
  return `<dl class="facts">
    <dt>${esc(t("category"))}</dt><dd>${esc(t("categories")[d.category] || d.category)}</dd>
    <dt>${esc(t("risk"))}</dt><dd>${esc(t("risks")[d.risk_colour] || d.risk_colour)}</dd>
    <dt>${esc(t("channel"))}</dt><dd id="dispute-channel">${esc(t("channels")[d.channel] || d.channel)}</dd>
    <dt>${esc(t("reported_at"))}</dt><dd>${esc(chinaDay(d.reported_at))}</dd>
    <dt>${esc(t("dispute_parties"))}</dt><dd id="parties">${parties || esc(t("none"))}</dd>
    <dt>${esc(t("party_count"))}</dt><dd>${esc(d.party_count)}</dd>
    ${d.satisfaction ? `<dt>${esc(t("satisfaction_label"))}</dt><dd id="satisfaction">${esc(t("satisfaction")[d.satisfaction])}</dd>` : ""}
    <dt>${esc(t("description"))}</dt><dd class="prose">${esc(d.description || t("none"))}</dd></dl>`;
}

/** A petition's petitioner (ID and mobile masked; county staff may reveal one, with a reason), who received it
 * first, and the cases it is linked to both ways (重复信访). */
function petition(d, user) {
  const links = [...(d.links?.earlier || []), ...(d.links?.later || [])];
  if (!d.petitioner && !links.length) return "";
  const p = d.petitioner;
  const revealable = (field) => (user.role === "county_staff"
    ? ` <button type="button" class="link" data-reveal="${field}">${esc(t("reveal"))}</button>` : "");
  return `<div id="petition">${p ? `<h4>${esc(t("petition_petitioner"))}</h4><dl class="facts">
      <dt>${esc(t("petition_petitioner_name"))}</dt><dd id="petitioner-name">${esc(p.name)}</dd>
      <dt>${esc(t("petition_petitioner_id_number"))}</dt><dd><span id="petitioner_id_number">${esc(p.id_number || t("none"))}</span>${p.id_number ? revealable("petitioner_id_number") : ""}</dd>
      <dt>${esc(t("petition_petitioner_mobile"))}</dt><dd><span id="petitioner_mobile">${esc(p.mobile || t("none"))}</span>${p.mobile ? revealable("petitioner_mobile") : ""}</dd>
      <dt>${esc(t("petition_petitioner_address"))}</dt><dd>${esc(p.address || t("none"))}</dd>
      <dt>${esc(t("petition_first_receiver"))}</dt><dd id="first-receiver">${esc(d.first_receiver || t("none"))}</dd></dl>` : ""}
    ${links.length ? `<h4>${esc(t("linked_cases"))}</h4><ul class="linked-cases" id="linked-cases">${links.map((c) =>
      `<li><a href="#dispute/${esc(c.id)}">${esc(c.title)}</a> <span class="muted">${esc(t("states")[c.state] || c.state)} ·
        ${esc(chinaDay(c.reported_at))}</span></li>`).join("")}</ul>` : ""}</div>`;
}

async function reveal(main, dispute, button) {
  const field = button.dataset.reveal;
  const reason = window.prompt(t("reveal_reason"));
  if (!reason || !reason.trim()) return;
  try {
    const shown = await api.post(`/api/petitions/${dispute.id}/reveal`, { field, reason: reason.trim() });
    main.querySelector(`#${field}`).textContent = shown.value;
    button.parentElement.querySelector(".reveal-said")?.remove();
    button.remove();
  } catch (error) {
    // beside the number asked for, where the user is looking: past the limits (429) the server's Chinese message names
    // the limit and when to try again; the button stays for then
    let said = button.parentElement.querySelector(".reveal-said");
    if (!said) {
      said = Object.assign(document.createElement("span"), { className: "error reveal-said" });
      said.setAttribute("role", "alert");
      button.after(said);
    }
    said.textContent = ` ${error.message}`;
  }
}

/** The four fixes 四定 from the latest assignment: leader, measures, person responsible, time limit. */
function plan(d) {
  const assigned = [...d.events].reverse().find((e) => e.kind === "assign");
  if (!assigned && !d.leader_name) return `<p class="muted" id="no-plan">${esc(t("none"))}</p>`;
  const details = assigned?.details || {};
  return `<dl class="facts">
    <dt>${esc(t("leader"))}</dt><dd id="plan-leader">${esc(d.leader_name || t("none"))}</dd>
    <dt>${esc(t("owner_unit"))}</dt><dd id="plan-owner">${esc(d.owner_unit?.name || t("none"))}</dd>
    <dt>${esc(t("measures"))}</dt><dd id="plan-measures" class="prose">${esc(details.measures || t("none"))}</dd>
    <dt>${esc(t("responsible"))}</dt><dd id="plan-responsible">${esc(details.responsible || t("none"))}</dd>
    <dt>${esc(t("due_on"))}</dt><dd id="plan-due">${esc(details.due_on || t("none"))}</dd></dl>`;
}

// A step recorded on a phone offline reaches the server later: the desk shows when, beside the time the user gave
const RECEIVED_LATER_MS = 3600000;
const receivedLater = (e) => (e.received_at && new Date(e.received_at) - new Date(e.occurred_at) > RECEIVED_LATER_MS
  ? ` <span class="received muted">${esc(t("received_later", { at: chinaTime(e.received_at) }))}</span>` : "");

const stepName = (event) => (event.details?.declined ? t("declined") : t("steps")[event.kind] || event.kind);

function timeline(d) {
  const detailLines = (e) => ["notice", "measures", "responsible", "due_on", "agreement"]
    .filter((key) => e.details?.[key])
    .map((key) => `<span class="detail">${esc(t(key))}：${esc(e.details[key])}</span>`).join("")
    + (e.details?.satisfaction ? `<span class="detail">${esc(t("satisfaction_label"))}：${esc(t("satisfaction")[e.details.satisfaction])}</span>` : "");
  return `<ol class="timeline">${d.events.map((e) => `<li class="event event-${esc(e.kind)}" data-kind="${esc(e.kind)}">
      <span class="when">${esc(new Date(e.occurred_at).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai" }))}</span>${receivedLater(e)}
      <strong class="what">${esc(stepName(e))}</strong> <span class="who">${esc(e.actor || "")}</span>
      ${e.to_state ? `<span class="muted">→ ${esc(t("states")[e.to_state] || e.to_state)}</span>` : ""}
      ${e.note ? `<p class="note">${esc(e.note)}</p>` : ""}${detailLines(e)}${attachmentList(e.attachments)}</li>`)
    .join("")}</ol>`;
}

function actionButtons(d) {
  if (!d.actions.length) return `<p class="muted" id="no-actions">${esc(t("no_actions"))}</p>`;
  return `<div class="step-buttons">${d.actions.map((kind) =>
    `<button type="button" data-step="${esc(kind)}" class="${kind === "decline" || kind === "escalate" ? "secondary" : ""}">
      ${esc(t("steps")[kind] || t(kind === "decline" ? "declined" : kind))}</button>`).join("")}</div>`;
}

async function drawMap(element, location) {
  const map = await createMap(element);
  const at = map.toLatLng(location.coordinates);
  window.L.circleMarker(at, { radius: 8, color: "#c0392b", weight: 2, fillOpacity: 0.7 }).addTo(map);
  map.setView(at, 14);
}

async function openForm(main, user, dispute, kind, { onChange }) {
  const holder = dispute.places.filter((p) => LEVEL_DEPTH[p.level] >= LEVEL_DEPTH[dispute.level]);
  const leaders = kind === "assign" ? await api.get(`/api/disputes/${dispute.id}/leaders`) : [];
  const host = main.querySelector("#step-form");
  host.innerHTML = `<form class="step-form" data-step="${esc(kind)}" novalidate>
      <h4>${esc(kind === "decline" ? t("declined") : t("steps")[kind])}</h4>
      ${STEP_FIELDS[kind].map(([name, input, required, label]) => field(name, input, required, label, { leaders, holder }))
        .join("")}
      ${fileField()}
      <p class="error" id="step-error" role="alert"></p>
      <button type="submit">${esc(t("submit"))}</button> <button type="button" class="secondary" id="cancel-step">${esc(t("cancel"))}</button>
    </form>`;
  const form = host.querySelector("form");
  form.querySelector("#cancel-step").addEventListener("click", () => { host.innerHTML = ""; });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit(main, user, dispute, kind, form, { onChange });
  });
  form.querySelector("textarea, select, input")?.focus();
}

function field(name, input, required, label, { leaders, holder }) {
  const mark = required ? ' <span class="required" aria-hidden="true">*</span>' : "";
  const attrs = `name="${name}" id="field-${name}" ${required ? "required" : ""}`;
  let control;
  if (input === "leader") {
    control = `<select ${attrs}><option value="">${esc(t("choose_leader"))}</option>${leaders.map((l) =>
      `<option value="${esc(l.username)}">${esc(l.display_name)}（${esc(t("roles")[l.role] || l.role)} · ${esc(l.unit_name)}）</option>`)
      .join("")}</select>`;
  } else if (input === "owner") {
    control = `<select ${attrs}>${holder.map((p) => `<option value="${esc(p.code)}">${esc(p.name)}</option>`).join("")}</select>`;
  } else if (input === "satisfaction") {
    control = `<span class="choices" id="field-${name}">${Object.entries(t("satisfaction")).map(([value, text]) =>
      `<label><input type="radio" name="${name}" value="${esc(value)}"> ${esc(text)}</label>`).join("")}</span>`;
  } else if (input === "date") {
    control = `<input type="date" ${attrs} value="${esc(addDays(chinaDay(new Date()), 15))}">`;
  } else if (input === "text") {
    control = `<input type="text" ${attrs} maxlength="100">`;
  } else {
    const preset = input === "notice" ? t("notice_template") : "";
    control = `<textarea ${attrs} rows="3" maxlength="${TEXT_MAX}">${esc(preset)}</textarea>`;
  }
  return `<div class="form-field"><label for="field-${name}">${esc(t(label))}${mark}</label>${control}
    <span class="field-error" data-for="${name}" role="alert"></span></div>`;
}

function formBody(form, kind, version) {
  const body = { kind, version };
  for (const [name, , required] of STEP_FIELDS[kind]) {
    const value = name === "satisfaction" ? form.querySelector(`[name=${name}]:checked`)?.value
      : form.elements[name].value.trim();
    if (value) body[name] = value;
    else if (required) return { missing: name };
  }
  return { body };
}

async function submit(main, user, dispute, kind, form, { onChange }) {
  form.querySelectorAll(".field-error").forEach((span) => { span.textContent = ""; });
  form.querySelector("#step-error").textContent = "";
  const { body, missing } = formBody(form, kind, dispute.version);
  if (missing) {
    form.querySelector(`.field-error[data-for=${missing}]`).textContent = t("field_error");
    return;
  }
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    const files = form.elements.attachments;
    if (files.files.length) form.querySelector("#step-error").textContent = t("att_uploading");
    body.attachments = await uploadFiles(files).catch((error) => {
      throw Object.assign(error, { body: { errors: { json: { attachments: [t("att_failed")] } } } });
    });
    form.querySelector("#step-error").textContent = "";
    const after = await api.post(`/api/disputes/${dispute.id}/steps`, body);
    onChange();
    const done = kind === "decline" ? t("declined") : t("steps")[kind];
    draw(main, user, after, { said: { html: esc(t("step_done", { step: done })) }, onChange });
  } catch (error) {
    button.disabled = false;
    if (error.status === 409 && error.body?.current) {
      onChange();
      return draw(main, user, error.body.current, { said: { error: true, html: conflict(dispute, error.body.current) },
                                                      onChange });
    }
    const fields = error.body?.errors?.json || {};
    for (const [name, messages] of Object.entries(fields)) {
      const span = form.querySelector(`.field-error[data-for=${name}]`);
      if (span) span.textContent = [].concat(messages).join(" ");
    }
    form.querySelector("#step-error").textContent = `${t("step_error")}：${error.message}`;
  }
}

/** What changed between the dispute the user saw and the one the server holds now. */
function conflict(seen, now) {
  const changes = [];
  if (seen.state !== now.state) changes.push(`${t("state")}：${t("states")[seen.state]} → ${t("states")[now.state]}`);
  if (seen.level !== now.level) changes.push(`${t("held_by")}：${t("levels_held")[seen.level]} → ${t("levels_held")[now.level]}`);
  if (seen.leader_name !== now.leader_name) changes.push(`${t("leader")}：${seen.leader_name || t("none")} → ${now.leader_name || t("none")}`);
  const known = new Set(seen.events.map((e) => e.id));
  const added = now.events.filter((e) => !known.has(e.id))
    .map((e) => `${stepName(e)}（${e.actor || ""}）${e.note ? `：${e.note}` : ""}`);
  return `${esc(t("conflict"))}${changes.length ? `<br><span id="what-changed">${esc(t("changed"))}：${esc(changes.join("；"))}</span>` : ""}
    ${added.length ? `<br><span id="new-entries">${esc(t("new_entries"))}：${esc(added.join("；"))}</span>` : ""}`;
}
