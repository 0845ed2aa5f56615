// The household register on the desk (/views/register) for village heads, town secretaries and county staff.
// #list?unit=&q=&tag=&retired=1&page= lists a unit's register page by page (the filters live in the address, so a
// reload or the way back from a household shows the same page), beside the moves waiting on either side;
// #household/<code> is one household's page; #new registers a household.
import * as api from "/app/js/api.js";
import { esc } from "/app/js/html.js";
import { t } from "/app/js/i18n.js";
import { chinaDay, query } from "./format.js";
import { TAGS, say, tagNames } from "./register-forms.js";
import { showHousehold } from "./register-household.js";
import "./register-messages.js";
import { drawMoves } from "./register-moves.js";
import { showNew } from "./register-new.js";
import { startView } from "./session.js";
import { isCounty, unitPicker } from "./unit-picker.js";
import { markDrawn } from "./drawn.js";

const PAGE_SIZE = 50;

async function render(main, user) {
  const hash = location.hash || "#list";
  const shown = () => (location.hash || "#list") === hash;  // an answer for a screen the user has left is dropped
  const [path, search] = hash.slice(1).split("?");
  const [screen, arg] = path.split("/");
  if (screen === "household" && arg) return showHousehold(main, user, decodeURIComponent(arg), { shown });
  if (screen === "new") return showNew(main, user, { shown });
  return showList(main, user, new URLSearchParams(search || ""), { shown });
}

function listState(user, params) {
  return { unit: params.get("unit") || user.unit_code, q: params.get("q") || "", tag: params.get("tag") || "",
           retired: params.get("retired") === "1", page: Math.max(1, Number(params.get("page")) || 1) };
}

/** Go to the list with these filters (a new address: the hash change redraws the page). */
function goList(state) {
  location.hash = `#list?${query({ ...state, retired: state.retired ? "1" : "", page: state.page > 1 ? state.page : "" })}`;
}

async function showList(main, user, params, { shown, said = null }) {
  const state = listState(user, params);
  sessionStorage.setItem("register-list", location.hash || "#list");  // where a household's page goes back to
  main.innerHTML = `<p id="said" role="status"></p>
    <div class="register-layout">
      <section class="card" id="register">
        <form id="register-filters" class="toolbar">
          <span id="unit-picker" class="filters"></span>
          <label>${esc(t("reg_search_button"))} <input type="search" name="q" maxlength="50" value="${esc(state.q)}"
            placeholder="${esc(t("reg_search"))}"></label>
          <select name="tag" aria-label="${esc(t("reg_tags"))}"><option value="">${esc(t("reg_any_tag"))}</option>${TAGS.map((tag) =>
            `<option value="${tag}" ${tag === state.tag ? "selected" : ""}>${esc(t("tag_names")[tag])}</option>`).join("")}</select>
          <label><input type="checkbox" name="retired" ${state.retired ? "checked" : ""}> ${esc(t("reg_with_retired"))}</label>
          <button type="submit">${esc(t("reg_search_button"))}</button>
          <span class="spacer"></span><a class="button" id="new-household" href="#new">${esc(t("reg_new"))}</a>
        </form>
        <div id="register-body">${esc(t("loading"))}</div>
      </section>
      <aside id="moves" class="register-moves">${esc(t("loading"))}</aside>
    </div>`;
  if (said) say(main, said.text, said);
  const form = main.querySelector("#register-filters");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    goList({ ...state, q: form.elements.q.value.trim(), tag: form.elements.tag.value,
             retired: form.elements.retired.checked, page: 1 });
  });
  const redraw = (text, error = false) => showList(main, user, params, { shown, said: { text, error } });
  const drawn = await Promise.allSettled([
    table(main.querySelector("#register-body"), state, shown),
    unitPicker(main.querySelector("#unit-picker"), user, state.unit, (unit) => goList({ ...state, unit, page: 1 })),
    drawMoves(main.querySelector("#moves"), { onDone: redraw, shown }),
  ]);
  const failed = drawn.find((result) => result.status === "rejected");  // the register's own answer first
  if (failed) throw failed.reason;
}

async function table(element, state, shown) {
  const page = await api.get(`/api/households?${query({ unit_code: unitArg(state.unit),
    q: state.q, tag: state.tag, retired: state.retired, page: state.page, page_size: PAGE_SIZE })}`);
  if (!shown()) return;
  const pages = Math.max(1, Math.ceil(page.total / page.page_size));
  element.innerHTML = `<p class="muted" id="register-total">${esc(t("reg_total", { n: page.total }))} ·
      ${esc(t("reg_page", { page: page.page, pages }))}</p>
    ${page.items.length ? `<div class="table-wrap"><table class="grid" id="register-table"><thead><tr>
      ${["reg_code", "reg_head", "reg_address", "reg_cell", "reg_members", "reg_tags", "reg_phone", "reg_last_visit", "reg_state"]
        .map((key) => `<th scope="col" class="${key === "reg_members" ? "" : "text"}">${esc(t(key))}</th>`).join("")}</tr></thead>
      <tbody>${page.items.map(row).join("")}</tbody></table></div>`
    : `<p class="muted" id="register-empty">${esc(t("reg_empty"))}</p>`}
    <p class="pager"><button type="button" id="prev-page" ${page.page > 1 ? "" : "disabled"}>${esc(t("reg_prev"))}</button>
      <button type="button" id="next-page" ${page.page < pages ? "" : "disabled"}>${esc(t("reg_next"))}</button></p>`;
  element.querySelector("#prev-page").addEventListener("click", () => goList({ ...state, page: page.page - 1 }));
  element.querySelector("#next-page").addEventListener("click", () => goList({ ...state, page: page.page + 1 }));
  markDrawn(element.closest("#register"));
}

// The county's code is the default, not an argument the API takes (it lists towns, villages and cells)
const unitArg = (code) => (isCounty(code) ? null : code);

function row(h) {
  const state = h.retired_at ? t("reg_retired") : h.has_pending_move ? t("reg_moving") : t("reg_on_register");
  return `<tr data-code="${esc(h.code)}" class="${h.retired_at ? "retired" : ""}">
    <td class="text">${esc(h.code)}</td>
    <td class="text"><a class="household-link" href="#household/${esc(h.code)}">${esc(h.head_name)}</a></td>
    <td class="text">${esc(h.address)}</td><td class="text">${esc(h.cell_name)}</td>
    <td data-key="member_count">${esc(h.member_count)}</td><td class="text">${esc(tagNames(h.tags))}</td>
    <td class="text" data-key="phone">${esc(h.phone || "—")}</td><td class="text">${esc(chinaDay(h.last_visit_at))}</td>
    <td class="text" data-key="state">${esc(state)}</td></tr>`;
}

window.addEventListener("hashchange", () => window.dispatchEvent(new CustomEvent("view-redraw")));
startView("register", render);
