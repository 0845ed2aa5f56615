// Saving what the user captured: into the outbox first (it is safe on the phone from that moment), then a
// sync attempt; the message then says exactly what happened (synced, waiting offline, refused and why).
import * as outbox from "./outbox.js";
import * as api from "./api.js";
import * as data from "./data.js";
import { currentLanguage, t } from "./i18n.js";

// `saved(item)` is told as soon as the item is safe on the phone, before the sync is tried (a form is emptied then,
// not before: when the phone's storage is full nothing is saved, the user is told, and the form keeps what they typed).
export async function saveAndSync(type, data, label, messageElement, saved = () => {}) {
  let item;
  try {
    item = await outbox.add(type, data, label);
  } catch (error) {
    messageElement.className = "error";
    messageElement.textContent = error && error.name === "QuotaExceededError" ? t("storage_full") : t("not_saved", { reason: error.message });
    return "not_saved";
  }
  messageElement.className = "ok";
  messageElement.textContent = t("saved_on_phone");
  saved(item);
  return trySync(item.id, messageElement);
}

// Push now and say what became of item `id` (or of the whole outbox when id is null).
export async function trySync(id, messageElement) {
  const say = (key, cls, values) => {
    messageElement.className = cls;
    messageElement.textContent = t(key, values);
  };
  if (!navigator.onLine) {
    say("offline_kept", "warn", { n: (await outbox.items()).filter((i) => i.status === "waiting").length });
    return "offline";
  }
  // a screen showing a message is not redrawn by a background sync (app.js): say something from the start
  if (!messageElement.textContent) say("syncing", "muted");
  try {
    await outbox.sync();
  } catch (error) {
    if (error.status === 401) say("session_ended_kept", "error");
    else say(api.unreachable(error) ? "unreachable_kept" : "sync_failed", "warn",
             { n: (await outbox.items()).length, reason: error.message });
    return "failed";
  }
  await data.refresh().catch(() => {});  // what the server now holds, as the next pull would show it
  const left = id && (await outbox.get(id));
  if (left && outbox.retrying(left)) {
    say("retry_later", "warn", { reason: reasonText(left.reason) });
    return "retrying";
  }
  if (left && left.status === "rejected") {
    say("rejected_because", "error", { reason: reasonText(left.reason) });
    return "rejected";
  }
  const rejected = id ? 0 : (await outbox.items()).filter((i) => i.status === "rejected" && !outbox.retrying(i)).length;
  say(rejected ? "synced_some_rejected" : "synced", rejected ? "warn" : "ok", { n: rejected });
  return "synced";
}

// Redraw the screen after the user's own action and keep saying what it answered: the message found by
// `selector` (the first that exists) is carried into the redrawn screen.
export async function redrawSaying(root, selectors, redraw) {
  const find = () => selectors.map((s) => root.querySelector(s)).find(Boolean);
  const { textContent, className } = find();
  await redraw();
  Object.assign(find(), { textContent, className });
}

// The server's reason for refusing an item, in the user's language, with the fields it names.
export function reasonText(reason) {
  if (!reason) return "";
  const zh = currentLanguage() === "zh";
  // a stale version is said by the message, and settled on the conflict form: not said twice
  const fields = Object.entries(reason.errors || {}).filter(([field]) => !(field === "version" && reason.current)).map(([field, messages]) =>
    `${t("field_" + field) === "field_" + field ? field : t("field_" + field)}: ${[].concat(messages).map((m) => (typeof m === "string" ? m : JSON.stringify(m))).join("；")}`);
  const now = reason.current && reason.current.state ? [`${t("current_state")}: ${t("states")[reason.current.state] || reason.current.state}`] : [];
  return [zh ? reason.message_zh || reason.message : reason.message || reason.message_zh, ...fields, ...now].join(" · ");
}
