// One household: its details, its people and its place on the register (kept true from here: corrected,
// members joining and leaving, moved or retired), its recent visits (kept on the phone for every household in
// scope, so they read the same offline), logging a visit and reporting a dispute. A household registered on
// this phone works the same before the server has it: it is named by its registration's UUID until then.
import * as data from "./data.js";
import * as outbox from "./outbox.js";
import * as forms from "./forms.js";
import { redrawSaying, saveAndSync } from "./capture.js";
import { disputeForm } from "./report-dispute.js";
import { photoField, thumbnails } from "./photo-field.js";
import { membersCard, registerCard, wire } from "./household-changes.js";
import { isOf, keyOf } from "./register.js";
import { locate } from "./gps.js";
import { esc } from "./html.js";
import { t } from "./i18n.js";
import "./register-messages.js";

const REGISTER_EDITORS = ["grid_worker", "cadre"];  // on the phone; cadres correct, only keepers move and retire

function state(h, items) {
  const refused = items.some((i) => i.status === "rejected"
    && ((!h.code && i.id === h.client_id) || (i.type === "household_change" && isOf(h, i.data))));
  const marks = [h.pending ? t("registered_waiting") : "", h.waiting_changes ? t("changes_waiting", { n: h.waiting_changes }) : "",
                 refused ? t("change_refused") : ""].filter(Boolean);
  return marks.length ? `<p class="badge late" id="household-state">${marks.map(esc).join(" · ")}</p>` : "";
}

export async function show(root, go, key, user) {
  const items = await outbox.items();
  let h = await data.household(key, items);
  if (!h) return go("#/households");
  const editable = REGISTER_EDITORS.includes(user.role) && !h.retired_at;
  root.innerHTML = `<a href="#/households" class="back">← ${t("back")}</a>
    <section class="card" id="details"><h2>${esc(h.head_name)}</h2>${state(h, items)}<p>${esc(h.address)}</p>
      <p>${t("members")}: ${esc(h.member_count)} · ${t("phone")}: ${esc(h.phone || "—")} · ${t("id_number")}: ${esc(h.head_id_number || "—")}</p>
      <p>${(h.tags || []).map((tag) => `<span class="tag">${esc(t("tag_names")[tag] || tag)}</span>`).join(" ")}</p>
      ${editable ? `<a class="button secondary" id="edit-link" href="#/household-edit/${esc(keyOf(h))}">${t("edit_household")}</a>` : ""}
      <p class="ok" id="household-saved" role="status"></p></section>
    ${membersCard(h, editable)}
    ${user.role === "grid_worker" ? registerCard(h, (await data.villageCells()).filter((c) => c.code !== h.cell_code)) : ""}
    ${h.retired_at ? "" : `<section class="card"><h2>${t("recent_visits")}</h2><p class="badge" id="last-visit"></p><ul class="list" id="visits"></ul></section>
    <form id="visit" class="card"><h2>${t("log_visit")}</h2>${forms.fields("visit", { kind: "policy" })}
      <div id="visit-photos"></div><p class="muted" id="gps">${t("gps")}: ${t("gps_waiting")}</p>
      <button type="submit">${t("save")}</button><p class="ok" id="visit-saved" role="status"></p></form>
    <div id="dispute-form"></div>`}`;
  const redraw = () => redrawSaying(root, ["#household-saved"], () => show(root, go, key, user));
  wire(root, h, root.querySelector("#household-saved"), redraw);
  if (h.retired_at) return;
  const named = h.code ? { household_code: h.code } : { household_id: h.client_id };
  const drawVisits = async () => {
    const now = await outbox.items();
    h = (await data.household(key, now)) || h;
    const days = data.daysSince(h, now);
    root.querySelector("#last-visit").textContent = days === null ? t("never_visited") : t("days_since", { n: days });
    const visits = data.visitsOf(h, now).slice(0, 10);
    const pictures = await Promise.all(visits.map((v) => thumbnails(v.attachments)));
    root.querySelector("#visits").innerHTML = visits.map((v, i) => `<li>
      ${esc(new Date(v.visited_at).toLocaleDateString("zh-CN"))} ${esc(t("visit_kinds")[v.kind] || v.kind)}
      ${v.author ? `<span class="by">${esc(v.author)}</span>` : ""}
      ${v.pending ? `<span class="badge late">${t(v.pending === "rejected" ? "rejected_one" : "pending")}</span>` : ""}
      <span class="muted notes">${esc(v.notes)}</span>${pictures[i]}</li>`).join("") || `<li class="muted">${t("never_visited")}</li>`;
  };
  await drawVisits();
  const visitPhotos = photoField(root.querySelector("#visit-photos"));
  let fix = null;
  locate().then((p) => {
    fix = p;
    const gps = root.querySelector("#gps");
    if (gps) gps.textContent = `${t("gps")}: ` + (p ? t("accuracy", { n: p.accuracy }) : t("gps_none"));
  });
  root.querySelector("#visit").addEventListener("submit", async (event) => {
    event.preventDefault();
    const visit = { ...named, ...forms.read(event.target, "visit"), visited_at: new Date().toISOString(),
                    attachments: visitPhotos.ids(),
                    ...(fix ? { location: { lon: fix.lon, lat: fix.lat }, gps_accuracy_m: fix.accuracy } : {}) };
    const message = root.querySelector("#visit-saved");
    const saving = saveAndSync("visit", visit, h.head_name, message, () => { event.target.reset(); visitPhotos.clear(); });
    await drawVisits();   // the new visit shows at once, marked waiting
    await saving;
    await drawVisits();   // and loses the mark once the server has it
  });
  const start = h.location ? { lon: h.location.coordinates[0], lat: h.location.coordinates[1] } : null;
  disputeForm(root.querySelector("#dispute-form"), { household: named, label: h.head_name, start, gps: () => fix });
}
