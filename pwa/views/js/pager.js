// The line under a listed page, the same on every desk page that lists: how many, which page, and the buttons to
// the pages either side.
import { esc } from "/app/js/html.js";
import { t } from "/app/js/i18n.js";

/** After the element's content: the page's line; onPage(n) is asked for another page. */
export function pager(element, page, onPage) {
  const pages = Math.max(1, Math.ceil(page.total / page.page_size));
  element.insertAdjacentHTML("beforeend", `<p class="pager"><span class="muted" data-total="${page.total}">${
    esc(t("pager_total", { n: page.total }))} · ${esc(t("pager_page", { page: page.page, pages }))}</span>
    <button type="button" class="prev-page" ${page.page > 1 ? "" : "disabled"}>${esc(t("pager_prev"))}</button>
    <button type="button" class="next-page" ${page.page < pages ? "" : "disabled"}>${esc(t("pager_next"))}</button></p>`);
  element.querySelector(".prev-page").addEventListener("click", () => onPage(page.page - 1));
  element.querySelector(".next-page").addEventListener("click", () => onPage(page.page + 1));
}
