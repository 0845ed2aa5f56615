// The dispute desk (/views/desk): a handler's 待办 inbox, box by box, and each dispute's page where the loop is
// worked. #box/<key> shows a box, #dispute/<id> a dispute; the navigation counts what waits.
import * as api from "/app/js/api.js";
import { esc } from "/app/js/html.js";
import { t } from "/app/js/i18n.js";
import "./desk-messages.js";
import { deadlineBadge } from "./disputes.js";
import { showDispute } from "./dispute-page.js";
import { chinaDay, query } from "./format.js";
import { inbox, refreshNav, startView } from "./session.js";
import { markDrawn } from "./drawn.js";

const PAGE_SIZE = 200;

async function render(main, user) {
  const hash = location.hash;
  const shown = () => location.hash === hash;  // an answer for a page the user has left is dropped
  const [screen, arg] = hash.slice(1).split("/");
  const boxesNow = await inbox();  // the header's count came from the same answer
  if (screen === "dispute" && arg) return showDispute(main, user, arg, { shown, onChange: () => refreshNav({ fresh: true }) });
  if (!shown()) return;
  const boxes = boxesNow.boxes.filter((box) => box.key === "mine" || user.role !== "cadre");
  const chosen = boxes.find((box) => box.key === arg) || boxes.find((box) => box.count) || boxes[0];
  main.innerHTML = `<div class="desk-layout">
      <nav class="card boxes" aria-label="${esc(t("inbox"))}"><h2>${esc(t("inbox"))}</h2><ul>${boxes.map((box) =>
        `<li><a href="#box/${esc(box.key)}" data-box="${esc(box.key)}" ${box.key === chosen.key ? 'aria-current="page"' : ""}>
          ${esc(t("boxes")[box.key] || box.label_zh)} <span class="count">${esc(box.count)}</span></a></li>`).join("")}
      </ul></nav>
      <section class="card" id="box" data-box="${esc(chosen.key)}"><h2>${esc(t("boxes")[chosen.key])}</h2>
        <div class="body">${esc(t("loading"))}</div></section></div>`;
  const page = await api.get(`/api/disputes?${query({ box: chosen.key, page_size: PAGE_SIZE })}`);
  if (!shown()) return;
  main.querySelector("#box .body").innerHTML = boxTable(page.items, page.total);
  markDrawn(main.querySelector("#box"));
}

function boxTable(items, total) {
  if (!items.length) return `<p class="muted" id="box-empty">${esc(t("box_empty"))}</p>`;
  const more = total > items.length ? `<p class="muted">… ${esc(items.length)} / ${esc(total)}</p>` : "";
  return `<table class="grid cases"><thead><tr><th>${esc(t("description"))}</th><th class="text">${esc(t("place"))}</th>
      <th class="text">${esc(t("state"))}</th><th class="text">${esc(t("held_by"))}</th>
      <th class="text">${esc(t("reported_at"))}</th><th class="text">${esc(t("due"))}</th></tr></thead>
    <tbody>${items.map((d) => `<tr data-id="${esc(d.id)}">
      <td><span class="risk risk-${esc(d.risk_colour)}"></span><a class="case-link" href="#dispute/${esc(d.id)}">${esc(d.title)}</a>
        <span class="muted">${esc(t("categories")[d.category] || d.category)}${d.household_head ? ` · ${esc(d.household_head)}` : ""}</span></td>
      <td class="text">${esc(d.cell_name)}</td><td class="text state">${esc(t("states")[d.state] || d.state)}</td>
      <td class="text">${esc(t("levels_held")[d.level] || d.level)}</td><td class="text">${esc(chinaDay(d.reported_at))}</td>
      <td class="text">${deadlineBadge(d)}</td></tr>`).join("")}</tbody></table>${more}`;
}

window.addEventListener("hashchange", () => window.dispatchEvent(new CustomEvent("view-redraw")));
startView("desk", render);
