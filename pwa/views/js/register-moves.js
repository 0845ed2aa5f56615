// The moves beside the register: households asking to move into a cell of the user's area (迁入待接收: 接收, or 退回
// with the reason), and the area's own moves out that wait for the other side (撤回). After each decision the caller
// redraws the register and these lists from the server.
import * as api from "/app/js/api.js";
import { esc } from "/app/js/html.js";
import { t } from "/app/js/i18n.js";
import { chinaDay } from "./format.js";
import { markDrawn } from "./drawn.js";

const DONE = { accept: "reg_accepted", refuse: "reg_refused", cancel: "reg_withdrawn" };

/** Fill the element with both lists; onDone(text, error) after a decision (or its refusal). */
export async function drawMoves(element, { onDone, shown = () => true }) {
  const [incoming, outgoing] = await Promise.all(["incoming", "outgoing"].map((direction) =>
    api.get(`/api/households/moves?direction=${direction}&state=pending`)));
  if (!shown()) return;
  element.innerHTML = `<section class="card" id="incoming"><h2>${esc(t("reg_incoming"))}
      <span class="count">${esc(incoming.items.length)}</span></h2>${list(incoming.items, "incoming")}</section>
    <section class="card" id="outgoing"><h2>${esc(t("reg_outgoing"))}
      <span class="count">${esc(outgoing.items.length)}</span></h2>${list(outgoing.items, "outgoing")}</section>`;
  const moves = new Map([...incoming.items, ...outgoing.items].map((move) => [move.id, move]));
  element.querySelectorAll("li[data-move-id]").forEach((item) => item.querySelectorAll("button[data-action]")
    .forEach((button) => button.addEventListener("click", () =>
      decide(item, moves.get(item.dataset.moveId), button.dataset.action, onDone))));
  markDrawn(element);
}

function list(moves, direction) {
  if (!moves.length) return `<p class="muted">${esc(t("reg_no_moves"))}</p>`;
  return `<ul class="moves">${moves.map((m) => `<li data-move-id="${esc(m.id)}" data-household="${esc(m.household_code)}">
      <strong>${direction === "outgoing" ? `<a href="#household/${esc(m.household_code)}">${esc(m.head_name)}</a>`
        : esc(m.head_name)}</strong> <span class="muted">${esc(m.household_code)} · ${esc(m.member_count)} ${esc(t("reg_members"))}</span>
      <span class="detail">${esc(m.address)}</span>
      <span class="detail">${esc(m.from_cell_name)} → ${esc(m.to_cell_name)}${m.reason ? ` · ${esc(m.reason)}` : ""}</span>
      <span class="detail muted">${esc(t("reg_asked_by", { who: m.requested_by || "—", day: chinaDay(m.requested_at) }))}</span>
      ${direction === "incoming" ? `<input name="note" maxlength="4000" aria-label="${esc(t("reg_move_note"))}"
          placeholder="${esc(t("reg_move_note"))}"><span class="field-error" data-for="note" role="alert"></span>
        <span class="step-buttons"><button type="button" data-action="accept">${esc(t("reg_accept"))}</button>
          <button type="button" class="secondary" data-action="refuse">${esc(t("reg_refuse"))}</button></span>`
        : `<span class="step-buttons"><button type="button" class="secondary" data-action="cancel">${esc(t("reg_withdraw"))}</button></span>`}
    </li>`).join("")}</ul>`;
}

async function decide(item, move, action, onDone) {
  const note = item.querySelector("input[name=note]")?.value.trim() || "";
  if (action === "refuse" && !note) {  // the sender learns why from the note
    item.querySelector(".field-error[data-for=note]").textContent = t("reg_move_note");
    return;
  }
  item.querySelectorAll("button").forEach((button) => { button.disabled = true; });
  try {
    await api.post(`/api/households/moves/${move.id}`, { action, note });
    onDone(t(DONE[action], { name: move.head_name, cell: move.to_cell_name }));
  } catch (error) {
    onDone(`${t("reg_failed")}：${error.message}`, true);
  }
}
