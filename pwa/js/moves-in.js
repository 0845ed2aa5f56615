// Households moving into my cell from another (迁入待接收): the grid worker accepts or refuses each, offline too;
// the decision waits in the outbox like any change, and the household arrives with the next pull.
import * as data from "./data.js";
import { saveAndSync } from "./capture.js";
import { esc } from "./html.js";
import { t } from "./i18n.js";
import "./register-messages.js";

export async function movesCard(outboxItems) {
  const decided = new Map(outboxItems.filter((i) => i.type === "household_change" && i.data.change === "move_decision")
    .map((i) => [i.data.move_id, i]));
  const moves = await data.incomingMoves();
  if (!moves.length) return "";
  return `<section class="card" id="moves-in"><h2>${t("moves_in")} <span class="muted">（${moves.length}）</span></h2>
    <ul class="list">${moves.map((m) => {
      const decision = decided.get(m.id);
      return `<li data-move="${esc(m.id)}"><strong>${esc(m.head_name)}</strong> <span class="muted">${esc(m.address)} · ${
        t("members")} ${esc(m.member_count)} · ${esc(t("move_from", { cell: m.from_cell_name }))}</span>
        ${m.reason ? `<span class="muted">${esc(m.reason)}</span>` : ""}
        ${decision ? `<span class="badge late">${t(decision.data.action === "accept" ? "move_accepted" : "move_refused")} · ${
          t(decision.status === "rejected" ? "rejected_one" : "pending")}</span>`
        : `<button type="button" class="accept-move">${t("accept_move")}</button>
           <button type="button" class="secondary refuse-move">${t("refuse_move")}</button>`}</li>`;
    }).join("")}</ul><p class="ok" id="move-saved" role="status"></p></section>`;
}

export function wireMoves(root, redraw) {
  const decide = async (button, action) => {
    const li = button.closest("li");
    const message = root.querySelector("#move-saved");
    await saveAndSync("household_change", { change: "move_decision", move_id: li.dataset.move, action, note: "" },
                      li.querySelector("strong").textContent, message);
    await redraw();
  };
  root.querySelectorAll("#moves-in .accept-move").forEach((b) => b.addEventListener("click", () => decide(b, "accept")));
  root.querySelectorAll("#moves-in .refuse-move").forEach((b) => b.addEventListener("click", () => decide(b, "refuse")));
}
