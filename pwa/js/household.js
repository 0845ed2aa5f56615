// One household: its people, its recent visits (kept on the phone for every household in scope, so they
// read the same offline), logging a visit and reporting a dispute.
import * as data from "./data.js";
import * as outbox from "./outbox.js";
import * as forms from "./forms.js";
import { saveAndSync } from "./capture.js";
import { disputeForm } from "./report-dispute.js";
import { locate } from "./gps.js";
import { esc } from "./html.js";
import { t } from "./i18n.js";

export async function show(root, go, code) {
  let h = await data.household(code);
  if (!h) return go("#/households");
  root.innerHTML = `<a href="#/households" class="back">← ${t("back")}</a>
    <section class="card"><h2>${esc(h.head_name)}</h2><p>${esc(h.address)}</p>
      <p>${t("members")}: ${esc(h.member_count)} · ${t("phone")}: ${esc(h.phone || "—")} · ${t("id_number")}: ${esc(h.head_id_number || "—")}</p>
      <p>${(h.members || []).map((m) => esc(m.name)).join("、")}</p>
      <p>${(h.tags || []).map((tag) => `<span class="tag">${esc(t("tag_names")[tag] || tag)}</span>`).join(" ")}</p></section>
    <section class="card"><h2>${t("recent_visits")}</h2><p class="badge" id="last-visit"></p><ul class="list" id="visits"></ul></section>
    <form id="visit" class="card"><h2>${t("log_visit")}</h2>${forms.fields("visit", { kind: "policy" })}
      <p class="muted" id="gps">${t("gps")}: ${t("gps_waiting")}</p>
      <button type="submit">${t("save")}</button><p class="ok" id="visit-saved" role="status"></p></form>
    <div id="dispute-form"></div>`;
  const drawVisits = async () => {
    h = (await data.household(code)) || h;
    const items = await outbox.items();
    const days = data.daysSince(h, items);
    root.querySelector("#last-visit").textContent = days === null ? t("never_visited") : t("days_since", { n: days });
    root.querySelector("#visits").innerHTML = data.visitsOf(h, items).slice(0, 10).map((v) => `<li>
      ${esc(new Date(v.visited_at).toLocaleDateString("zh-CN"))} ${esc(t("visit_kinds")[v.kind] || v.kind)}
      ${v.author ? `<span class="by">${esc(v.author)}</span>` : ""}
      ${v.pending ? `<span class="badge late">${t(v.pending === "rejected" ? "rejected_one" : "pending")}</span>` : ""}
      <span class="muted notes">${esc(v.notes)}</span></li>`).join("") || `<li class="muted">${t("never_visited")}</li>`;
  };
  await drawVisits();
  let fix = null;
  locate().then((p) => {
    fix = p;
    const gps = root.querySelector("#gps");
    if (gps) gps.textContent = `${t("gps")}: ` + (p ? t("accuracy", { n: p.accuracy }) : t("gps_none"));
  });
  root.querySelector("#visit").addEventListener("submit", async (event) => {
    event.preventDefault();
    const visit = { household_code: code, ...forms.read(event.target, "visit"), visited_at: new Date().toISOString(),
                    ...(fix ? { location: { lon: fix.lon, lat: fix.lat }, gps_accuracy_m: fix.accuracy } : {}) };
    event.target.reset();
    const message = root.querySelector("#visit-saved");
    const saving = saveAndSync("visit", visit, h.head_name, message);
    await drawVisits();   // the new visit shows at once, marked waiting
    await saving;
    await drawVisits();   // and loses the mark once the server has it
  });
  const start = h.location ? { lon: h.location.coordinates[0], lat: h.location.coordinates[1] } : null;
  disputeForm(root.querySelector("#dispute-form"), { household_code: code, label: h.head_name, start, gps: () => fix });
}
