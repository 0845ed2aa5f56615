// What waits on the phone and what the server refused: each item named (whose household, what kind, when),
// each refusal with its reason in the user's language; a refused item is corrected and sent again, or
// discarded on purpose.
import * as outbox from "./outbox.js";
import * as storage from "./storage.js";
import * as forms from "./forms.js";
import { reasonText, redrawSaying, trySync } from "./capture.js";
import { isRegisterItem, resolved, resolver } from "./register-conflict.js";
import { esc } from "./html.js";
import { t } from "./i18n.js";

const stamp = (iso) => new Date(iso).toLocaleString("zh-CN", { hour12: false });
const specOf = (item) => (item.type === "dispute_event" && item.data.kind === "call_back" ? "call_back" : item.type);
const kindOf = (item) => (item.type === "household_change" ? t("change_kinds")[item.data.change] : t("item_types")[item.type]) || item.type;
const describe = (item) => `<strong>${esc(item.label || item.data.household_code || item.data.cell_code || "")}</strong>
  <span class="kind">${esc(kindOf(item))}</span>${item.data.attachments && item.data.attachments.length
    ? ` <span class="muted">${esc(t("photo_count", { n: item.data.attachments.length }))}</span>` : ""}
  <span class="muted">${esc(stamp(item.data[forms.WHEN[item.type]] || item.queuedAt))}</span>`;

export async function show(root) {
  const items = await outbox.items();
  const last = await storage.get("kv", "lastSync");
  // an item refused for what has not reached the server yet waits to be sent again by itself (outbox.retrying)
  const waiting = items.filter((i) => i.status === "waiting" || outbox.retrying(i));
  const rejected = items.filter((i) => i.status === "rejected" && !outbox.retrying(i));
  root.innerHTML = `<section class="card"><h2>${t("sync")}</h2>
      <p id="waiting">${t("waiting", { n: waiting.length })}</p>
      <p>${t("last_sync")}: ${last ? esc(stamp(last)) : t("never")}</p>
      <button id="sync-now" type="button">${t("sync_now")}</button><p id="sync-message" role="status"></p>
      <ul class="list" id="waiting-list">${waiting.map((i) => `<li data-id="${esc(i.id)}">${describe(i)}${i.reason
        ? `<p class="muted retrying">${esc(t("retrying", { reason: reasonText(i.reason) }))}</p>` : ""}</li>`).join("")}</ul></section>
    ${rejected.length ? `<section class="card"><h2>${t("rejected")} <span class="muted">（${rejected.length}）</span></h2>
      <p class="muted">${t("rejected_help")}</p><ul class="list" id="rejected">${rejected.map((i) => `
      <li data-id="${esc(i.id)}">${describe(i)}<p class="error reason">${esc(reasonText(i.reason))}</p>
        ${isRegisterItem(i) ? resolver(i) : `<details><summary>${t("correct")}</summary><form class="fix">${
          forms.fields(specOf(i), i.data, forms.WHEN[i.type])}<button type="submit">${t("resend")}</button></form></details>`}
        <button type="button" class="secondary discard">${t("discard")}</button></li>`).join("")}</ul></section>` : ""}`;
  const message = root.querySelector("#sync-message");
  const answered = () => redrawSaying(root, ["#sync-message"], () => show(root));
  root.querySelector("#sync-now").addEventListener("click", async () => {
    await trySync(null, message);
    await answered();
  });
  // a register item settled: sent again, or dropped when nothing is left to send (every field kept as it is)
  const settle = async (item, data) => {
    if (data === null) await outbox.discard(item.id);
    else {
      await outbox.correct(item.id, data);
      message.textContent = "";  // the last answer is not this one's
      await trySync(item.id, message);
    }
    await answered();
  };
  root.querySelectorAll("#rejected li").forEach((li) => {
    const item = rejected.find((i) => i.id === li.dataset.id);
    li.querySelector("form.fix").addEventListener("submit", async (event) => {
      event.preventDefault();
      if (isRegisterItem(item)) return settle(item, resolved(item, event.target));
      const corrected = { ...item.data, ...forms.read(event.target, specOf(item), forms.WHEN[item.type]) };
      // a step refused because the dispute changed meanwhile: resent, it acts on the state now shown in the reason
      const current = item.reason && item.reason.current;
      if (item.type === "dispute_event" && corrected.version != null && current) corrected.version = current.version;
      await outbox.correct(item.id, corrected);
      await trySync(item.id, message);
      await answered();
    });
    li.querySelector(".discard").addEventListener("click", async () => {
      if (!window.confirm(t("discard_confirm"))) return;
      await outbox.discard(item.id);
      await show(root);
    });
  });
}
