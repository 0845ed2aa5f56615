// My households, longest unvisited first (those registered or changed here marked until the server has
// them); for a cadre, how far they are from this month's duty; for a grid worker, registering a new one.
import * as data from "./data.js";
import * as outbox from "./outbox.js";
import { keyOf } from "./register.js";
import "./register-messages.js";
import { esc } from "./html.js";
import { t } from "./i18n.js";

export async function show(root, user) {
  const items = await outbox.items();
  const list = await data.households(items);
  const rows = list.map((h) => ({ h, days: data.daysSince(h, items) }))
    .sort((a, b) => (b.days ?? 9999) - (a.days ?? 9999) || keyOf(a.h).localeCompare(keyOf(b.h)));
  const late = (days) => days === null || days > data.OVERDUE_DAYS;
  root.innerHTML = `${user.role === "cadre" ? duty(data.monthlyDuty(list, items)) : ""}
    <h1 class="screen-title">${t("households_title")} <span class="muted">（${list.length}）</span></h1>
    ${user.role === "grid_worker" ? `<a class="button" id="register-link" href="#/register">${t("register_household")}</a>` : ""}
    <input id="search" type="search" placeholder="${t("search")}" aria-label="${t("search")}">
    <ul class="list" id="households">${rows.map(({ h, days }) => `
      <li data-text="${esc(h.head_name + h.address)}"><a href="#/household/${esc(keyOf(h))}">
        <strong>${esc(h.head_name)}</strong> <span class="muted">${esc(h.address)}</span>${marks(h)}
        <span class="badge ${late(days) ? "late" : ""}">${
          days === null ? t("never_visited") : t("days_since", { n: days })}${late(days) ? " · " + t("overdue") : ""}</span></a></li>`).join("")
      || `<li class="muted">${t("none")}</li>`}</ul>`;
  // the browser benchmark (tools/bench/phone.py) times sign-in → the list drawn with its rows by this mark
  performance.mark("wangge:list", { detail: { rows: rows.length } });
  root.querySelector("#search").addEventListener("input", (event) => {
    const q = event.target.value.trim();
    for (const li of root.querySelectorAll("#households li")) li.hidden = q && !(li.dataset.text || "").includes(q);
  });
}

function marks(h) {
  const said = [h.pending ? t("registered_waiting") : "", h.waiting_changes ? t("changes_waiting", { n: h.waiting_changes }) : "",
                h.retired_at ? t("retired") : ""].filter(Boolean);
  return said.length ? ` <span class="badge late register-mark">${esc(said.join(" · "))}</span>` : "";
}

function duty({ visited, linked }) {
  const share = linked ? Math.round((100 * visited) / linked) : 0;
  return `<section class="card" id="duty"><h2>${t("duty_title")}</h2>
    <p><strong id="duty-figure">${t("duty_figure", { visited, linked })}</strong> · ${share}%</p>
    <div class="bar" role="progressbar" aria-valuenow="${share}" aria-valuemin="0" aria-valuemax="100"><span style="width:${share}%"></span></div>
    <p class="muted">${visited < linked ? t("duty_left", { n: linked - visited }) : t("duty_done")}</p></section>`;
}
