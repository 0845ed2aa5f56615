// A household's people and its place on the register, changed from the phone: a member joins (birth,
// marriage, moving in) or leaves (death, marriage, moving out) on a day; the whole household moves to another
// cell (the receiving side accepts it) or is retired (注销). Each change is an outbox item carrying the version
// it is based on (register.js), so one made on a stale copy comes back as a conflict, never overwriting.
import * as data from "./data.js";
import * as outbox from "./outbox.js";
import { saveAndSync } from "./capture.js";
import { change, idNumberProblem } from "./register.js";
import { options } from "./forms.js";
import { esc } from "./html.js";
import { t } from "./i18n.js";
import "./register-messages.js";

const choices = (catalogue, selected) => options(t(catalogue), selected);
const today = () => data.chinaDay();
const dayField = () => `<label>${t("field_on")}<input name="on" type="date" required value="${today()}" max="${today()}"></label>`;
const pendingMark = (status) => (status ? ` <span class="badge late">${t(status === "rejected" ? "rejected_one" : "pending")}</span>` : "");

function memberLine(m) {
  const who = `${esc(m.name)} <span class="muted">${esc(t("relations")[m.relation] || m.relation)} · ${esc(t("sexes")[m.sex] || m.sex)}${
    m.birth_date ? " · " + esc(m.birth_date) : ""}</span>`;
  if (m.left_on) return `<li class="left" data-member="${esc(m.id)}"><s>${who}</s> <span class="muted">${esc(t("member_left", {
    day: m.left_on, reason: t("leave_reasons")[m.leave_reason] || m.leave_reason }))}</span>${pendingMark(m.pending)}</li>`;
  const leave = m.id ? `<details class="leave"><summary>${t("member_leave")}</summary><form class="member-leave" data-member="${esc(m.id)}">
      <label>${t("field_reason")}<select name="reason">${choices("leave_reasons", "death")}</select></label>${dayField()}
      <button type="submit">${t("save")}</button></form></details>` : "";
  return `<li data-member="${esc(m.id ?? "")}">${who}${m.joined_on ? ` <span class="muted">${esc(t("join_reasons")[m.join_reason] || "")} ${esc(m.joined_on)}</span>` : ""}${
    pendingMark(m.pending)}${leave}</li>`;
}

export function membersCard(h, editable) {
  return `<section class="card" id="members"><h2>${t("field_members")} <span class="muted">（${esc(h.member_count)}）</span></h2>
    <ul class="list" id="member-list"><li><strong>${esc(h.head_name)}</strong> <span class="muted">${t("head")}</span></li>
      ${(h.members || []).map((m) => (editable ? memberLine(m) : memberLine({ ...m, id: null }))).join("")}</ul>
    ${editable && !h.retired_at ? `<details id="join"><summary>${t("member_join")}</summary><form id="member-join">
      <label>${t("field_name")}<input name="name" required maxlength="50"></label>
      <label>${t("field_relation")}<select name="relation">${choices("relations", "child")}</select></label>
      <label>${t("field_sex")}<select name="sex">${choices("sexes", "M")}</select></label>
      <label>${t("field_birth_date")}<input name="birth_date" type="date" max="${today()}"></label>
      <label>${t("field_id_number")}<input name="id_number" maxlength="18"><span class="error" data-for="id_number"></span></label>
      <label>${t("field_reason")}<select name="reason">${choices("join_reasons", "birth")}</select></label>${dayField()}
      <button type="submit">${t("save")}</button></form></details>` : ""}
    </section>`;
}

// Moving the household to another cell, or retiring it: a keeper's (the grid worker's) changes.
export function registerCard(h, cells) {
  if (h.retired_at) return `<section class="card" id="retired"><p class="error">${t("retired")} ${esc(String(h.retired_at).slice(0, 10))} · ${
    esc(t("retire_reasons")[h.retire_reason] || h.retire_reason || "")}${pendingMark(h.retire_pending)}</p></section>`;
  const move = h.pending_move;
  return `<section class="card" id="register-changes">
    ${move ? `<p class="warn" id="move-pending">${esc(t("move_pending", { cell: move.to_cell_name || move.to_cell_code }))}${pendingMark(move.pending)}</p>`
    : `<details id="move"><summary>${t("move_household")}</summary><form id="move-form">
      ${cells.length ? `<label>${t("move_to_cell")}<select name="to_cell"><option value=""></option>${cells.map((c) =>
        `<option value="${esc(c.code)}">${esc(c.name)}</option>`).join("")}</select></label>` : ""}
      <label>${t("move_other_code")}<input name="to_cell_code" inputmode="numeric" maxlength="15" pattern="\\d{15}"></label>
      <label>${t("field_reason")}<input name="reason" maxlength="200"></label>
      <button type="submit">${t("save")}</button></form></details>`}
    <details id="retire"><summary>${t("retire_household")}</summary><form id="retire-form">
      <label>${t("field_reason")}<select name="reason">${choices("retire_reasons", "moved_away")}</select></label>${dayField()}
      <label>${t("field_note")}<input name="note" maxlength="200"></label>
      <button type="submit">${t("save")}</button></form></details>
    </section>`;
}

// Wires the forms drawn above. What became of a change is said in `message`; `redraw()` then draws the screen
// again (the change shows, marked waiting until the server has it).
export function wire(root, h, message, redraw) {
  const save = async (kind, fields) => {
    const body = change(h, await outbox.items(), kind, fields);
    await saveAndSync("household_change", body, h.head_name, message);
    await redraw();
  };
  const form = (selector, read) => {
    const element = root.querySelector(selector);
    if (element) element.addEventListener("submit", (event) => { event.preventDefault(); read(event.target); });
  };
  const field = (f, name) => String(new FormData(f).get(name) || "").trim();
  form("#member-join", (f) => {
    const idNumber = field(f, "id_number").toUpperCase() || null;
    const problem = idNumberProblem(idNumber);
    f.querySelector('[data-for="id_number"]').textContent = problem ? t(problem) : "";
    if (problem || !field(f, "name")) return;
    save("member_join", { name: field(f, "name"), relation: field(f, "relation"), sex: field(f, "sex"),
                          birth_date: field(f, "birth_date") || null, id_number: idNumber, reason: field(f, "reason"),
                          on: field(f, "on") });
  });
  root.querySelectorAll("form.member-leave").forEach((f) => f.addEventListener("submit", (event) => {
    event.preventDefault();
    save("member_leave", { member_id: Number(f.dataset.member), reason: field(f, "reason"), on: field(f, "on") });
  }));
  form("#move-form", (f) => {
    const to = field(f, "to_cell_code") || field(f, "to_cell");
    if (!/^\d{15}$/.test(to)) { f.querySelector("[name=to_cell_code]").focus(); return; }
    save("move", { to_cell_code: to, reason: field(f, "reason") });
  });
  form("#retire-form", (f) => {
    if (!window.confirm(t("retire_confirm"))) return;
    save("retire", { reason: field(f, "reason"), on: field(f, "on"), note: field(f, "note") });
  });
}
