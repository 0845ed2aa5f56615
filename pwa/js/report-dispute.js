// Reporting a dispute: from a household, or in a public place of the cell (the place from GPS or a tap on
// the map). Both use one form; the place tapped wins over the phone's fix.
import * as data from "./data.js";
import * as forms from "./forms.js";
import { saveAndSync } from "./capture.js";
import { locate } from "./gps.js";
import { picker } from "./map.js";
import { photoField } from "./photo-field.js";
import { esc } from "./html.js";
import { t } from "./i18n.js";

// options: {household: {household_code} or {household_id}} or {cells: [[code, name]]}; label for the sync list; start {lon, lat} of the
// map; gps() the latest fix, if the screen has one
export function disputeForm(element, options) {
  const cells = options.cells || [];
  element.innerHTML = `<form id="dispute" class="card"><h2>${t(options.household ? "report_dispute" : "report_public_dispute")}</h2>
    ${cells.length > 1 ? `<label>${t("field_cell_code")}<select name="cell_code">${cells.map(([code, name]) =>
      `<option value="${esc(code)}">${esc(name)}</option>`).join("")}</select></label>` : ""}
    ${forms.fields("dispute", { category: "neighbour", risk_colour: "blue" })}
    <div id="dispute-photos"></div>
    <p class="muted" id="picked">${t("tap_map")}</p><div id="picker" class="picker"></div>
    <button type="submit">${t("save")}</button><p class="ok" id="dispute-saved" role="status"></p></form>`;
  let picked = null;
  const evidence = photoField(element.querySelector("#dispute-photos"));
  if (options.start) picker(element.querySelector("#picker"), options.start, (p) => {
    picked = p;
    element.querySelector("#picked").textContent = `${t("picked")}: ${p.lon.toFixed(5)}, ${p.lat.toFixed(5)}`;
  });
  else element.querySelector("#picker").hidden = true;
  element.querySelector("#dispute").addEventListener("submit", async (event) => {
    event.preventDefault();
    const fields = forms.read(event.target, "dispute");
    const fix = options.gps && options.gps();
    const where = picked ? { location: picked, gps_accuracy_m: null }
      : fix ? { location: { lon: fix.lon, lat: fix.lat }, gps_accuracy_m: fix.accuracy } : {};
    const place = options.household ? options.household
      : { cell_code: new FormData(event.target).get("cell_code") || cells[0][0] };
    const dispute = { ...place, ...fields, party_count: Math.max(fields.parties.length, 1),
                      reported_at: new Date().toISOString(), attachments: evidence.ids(), ...where };
    await saveAndSync("dispute", dispute, fields.title, element.querySelector("#dispute-saved"),
                      () => { event.target.reset(); evidence.clear(); });
  });
}

// The screen for a dispute in a public place of my cell (a worker's cell; a cadre's households' cells).
export async function show(root, user) {
  const shapes = await cellsOf(user);
  root.innerHTML = `<a href="#/tasks" class="back">← ${t("back")}</a><div id="dispute-form"></div>
    <p class="muted" id="gps">${t("gps")}: ${t("gps_waiting")}</p>`;
  if (!shapes.length) {
    root.querySelector("#dispute-form").innerHTML = `<p class="card muted">${t("no_cell")}</p>`;
    return;
  }
  let fix = null;
  const centre = shapes[0].centroid || null;
  disputeForm(root.querySelector("#dispute-form"), { cells: shapes.map((s) => [s.code, s.name]), label: "",
                                                     start: centre, gps: () => fix });
  locate().then((p) => {
    fix = p;
    const gps = root.querySelector("#gps");
    if (gps) gps.textContent = `${t("gps")}: ` + (p ? t("accuracy", { n: p.accuracy }) : t("gps_none"));
  });
}

async function cellsOf(user) {
  const shapes = await data.cellShapes();
  if (shapes.length) return shapes.map((s) => ({ code: s.properties.code, name: s.properties.name, centroid: centre(s.geometry) }));
  if (user.role === "grid_worker") return [{ code: user.unit_code, name: user.unit_name, centroid: null }];
  const cells = new Map((await data.households()).map((h) => [h.cell_code, h.cell_name]));
  return [...cells].map(([code, name]) => ({ code, name, centroid: null }));
}

function centre(geometry) {
  const ring = geometry && geometry.coordinates && geometry.coordinates[0] && geometry.coordinates[0][0];
  if (!ring || !ring.length) return null;
  const sum = ring.reduce((acc, [lon, lat]) => [acc[0] + lon, acc[1] + lat], [0, 0]);
  return { lon: sum[0] / ring.length, lat: sum[1] / ring.length };
}
