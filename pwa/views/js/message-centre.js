// The desk's message centre (/views/messages, 消息): the signed-in user's messages, unread first, newest first, 50 a
// page (the page kept in the address). Opening one marks it read and goes to what it is about on the desk;
// 全部标为已读 marks them all. The navigation's count (session.js) follows.
import * as api from "/app/js/api.js";
import { esc } from "/app/js/html.js";
import { currentLanguage, t } from "/app/js/i18n.js";
import { showMessageSettings } from "/app/js/message-settings.js";
import { chinaDay } from "./format.js";
import { pager } from "./pager.js";
import "./message-centre-messages.js";
import { refreshUnread, startView } from "./session.js";
import { markDrawn } from "./drawn.js";

// where each subject opens on the desk (who gets which: server/notifications/rules.py)
const DESK = {
  dispute: (m) => `/views/desk#dispute/${encodeURIComponent(m.subject_id)}`,
  alert: (_m, user) => (user.role === "county_staff" || user.role === "admin" ? "/views/county" : "/views/town"),
  move: () => "/views/register#list", visit: () => "/views/register#list", cell: () => "/views/town",
};

async function render(main, user) {
  const page = Math.max(1, Number(new URLSearchParams(location.hash.slice(1)).get("page")) || 1);
  main.innerHTML = `<section class="card" id="message-centre"><h2>${esc(t("mc_title"))}
      <span class="muted" id="mc-unread"></span></h2>
      <button type="button" class="secondary" id="mc-read-all">${esc(t("mc_read_all"))}</button>
      <ul class="messages" id="mc-list"><li class="muted">${esc(t("loading"))}</li></ul></section>
    <section class="card" id="message-settings-card"></section>`;
  const answer = await api.get(`/api/notifications?page=${page}`);
  const text = (m) => (currentLanguage() === "zh" ? m.text_zh : m.text);
  const list = main.querySelector("#mc-list");
  list.innerHTML = answer.items.map((m) => `<li class="message ${m.read_at ? "read" : "unread"} ${m.urgent ? "urgent" : ""}"
      data-id="${esc(m.id)}"><a href="${esc(DESK[m.subject_type](m, user))}">${esc(text(m))}</a>
      <span class="muted">${esc(chinaDay(m.created_at))}${m.read_at ? "" : ` · ${esc(t("mc_new"))}`}</span></li>`).join("")
    || `<li class="muted" id="mc-empty">${esc(t("mc_none"))}</li>`;
  main.querySelector("#mc-unread").textContent = t("mc_unread", { n: answer.unread });
  pager(main.querySelector("#message-centre"), answer, (n) => { location.hash = `page=${n}`; });
  list.querySelectorAll("li[data-id] a").forEach((link) => link.addEventListener("click", async (event) => {
    event.preventDefault();
    const message = answer.items.find((m) => m.id === link.closest("li").dataset.id);
    if (!message.read_at) await api.post(`/api/notifications/${encodeURIComponent(message.id)}/read`);
    location.href = link.getAttribute("href");
  }));
  main.querySelector("#mc-read-all").addEventListener("click", async () => {
    await api.post("/api/notifications/read-all");
    await refreshUnread();
    window.dispatchEvent(new CustomEvent("view-redraw"));
  });
  markDrawn(main.querySelector("#message-centre"));
  showMessageSettings(main.querySelector("#message-settings-card"));
}

window.addEventListener("hashchange", () => window.dispatchEvent(new CustomEvent("view-redraw")));
startView("messages", render);
