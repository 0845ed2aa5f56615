// A household's visit history 走访记录 on its register page: the latest visits (GET /api/households/<code>/visits,
// newest first) with who made them, the findings, and their photos and documents as thumbnails.
import * as api from "/app/js/api.js";
import { esc } from "/app/js/html.js";
import { t } from "/app/js/i18n.js";
import { attachmentList, hideBroken } from "./attachments.js";

const SHOWN = 20;

export async function drawVisits(element, code) {
  const page = await api.get(`/api/households/${encodeURIComponent(code)}/visits?page_size=${SHOWN}`);
  element.innerHTML = page.items.length ? `<ol class="timeline" id="visit-list">${page.items.map((v) => `
      <li class="event visit" data-id="${esc(v.id)}">
        <span class="when">${esc(new Date(v.visited_at).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai" }))}</span>
        <strong class="what">${esc(t("visit_kinds")[v.kind] || v.kind)}</strong> <span class="who">${esc(v.author || "")}</span>
        ${v.findings ? `<p class="note">${esc(v.findings)}</p>` : ""}${v.notes ? `<p class="note muted">${esc(v.notes)}</p>` : ""}
        ${attachmentList(v.attachments)}</li>`).join("")}</ol>`
    : `<p class="muted" id="visit-list-empty">${esc(t("visits_none"))}</p>`;
  hideBroken(element);
}
