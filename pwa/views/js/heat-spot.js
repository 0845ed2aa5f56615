// A click on the heat map lists the disputes under it (in the user's scope, with the map's filters) in a popup, each
// opening its page on the desk. "Under it": within the reach of a heat blob around the click.
import * as api from "/app/js/api.js";
import { esc } from "/app/js/html.js";
import { t } from "/app/js/i18n.js";
import { query } from "./format.js";

const L = window.L;
const REACH_PX = 22;   // a blob's radius and blur (heat.js): what the eye takes for "this spot"
const SHOWN = 20;

export function listDisputesOnClick(map, filters) {
  map.on("click", async (event) => {
    const centre = map.latLngToContainerPoint(event.latlng);
    const corners = [[-REACH_PX, REACH_PX], [REACH_PX, -REACH_PX]].map((offset) =>
      map.fromLatLng(map.containerPointToLatLng(centre.add(offset))));
    const [[west, south], [east, north]] = corners;
    const popup = L.popup({ maxWidth: 360, className: "spot-popup" }).setLatLng(event.latlng)
      .setContent(`<p class="muted">${esc(t("loading"))}</p>`).openOn(map);
    try {
      const bbox = [west, south, east, north].map((v) => v.toFixed(6)).join(",");
      const page = await api.get(`/api/disputes?${query({ ...filters(), bbox, page_size: SHOWN })}`);
      popup.setContent(spotList(page));
    } catch (error) {
      popup.setContent(`<p class="error">${esc(error.message)}</p>`);
    }
  });
}

function spotList({ items, total }) {
  if (!items.length) return `<p class="muted" id="spot-empty">${esc(t("spot_none"))}</p>`;
  return `<h3 id="spot-title">${esc(t("spot_disputes", { n: total }))}</h3><ul class="spot-list">${items.map((d) =>
    `<li><span class="risk risk-${esc(d.risk_colour)}"></span><a href="/views/desk#dispute/${esc(d.id)}">${esc(d.title)}</a>
      <span class="muted">${esc(t("states")[d.state] || d.state)} · ${esc(d.cell_name)}</span></li>`).join("")}</ul>
    ${total > items.length ? `<p class="muted">… ${esc(items.length)} / ${esc(total)}</p>` : ""}`;
}
