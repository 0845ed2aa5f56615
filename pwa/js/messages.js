// 消息: the messages the last pull brought (so the list works offline), unread first. Opening one marks it read here
// at once, and on the server with the next sync; then it goes to what it is about.
import * as data from "./data.js";
import { esc } from "./html.js";
import { currentLanguage, t } from "./i18n.js";

// where each subject opens on the phone: a dispute's timeline; a move, a follow-up under 任务; a report due, its form
const SCREEN = { dispute: (m) => `#/dispute/${encodeURIComponent(m.subject_id)}`, move: () => "#/tasks",
                 visit: () => "#/tasks", cell: () => "#/report", alert: () => "#/messages" };

export async function show(root, go) {
  const list = await data.messages();
  const text = (m) => (currentLanguage() === "zh" ? m.text_zh : m.text);
  const unread = list.filter((m) => !m.read_at).length;
  root.innerHTML = `<h1 class="screen-title">${t("messages_title")} <span class="muted" id="messages-unread">${
    esc(t("messages_unread", { n: unread }))}</span></h1>
    <ul class="list" id="messages">${list.map((m) => `
      <li class="message ${m.read_at ? "read" : "unread"} ${m.urgent ? "urgent" : ""}" data-id="${esc(m.id)}">
        <a href="${esc(SCREEN[m.subject_type](m))}"><strong>${esc(text(m))}</strong>
        <span class="muted">${esc(data.chinaDay(m.created_at))}${m.read_at ? "" : ` · ${esc(t("message_new"))}`}</span></a></li>`).join("")
      || `<li class="muted">${t("none")}</li>`}</ul>`;
  root.querySelectorAll("#messages li[data-id] a").forEach((link) => link.addEventListener("click", async (event) => {
    event.preventDefault();
    const message = list.find((m) => m.id === link.closest("li").dataset.id);
    await data.markRead(message.id);
    go(SCREEN[message.subject_type](message));
  }));
}
