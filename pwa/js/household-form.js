// Registering a household (信息采集) and correcting one, on the phone and offline: the form checks what it can
// here (required fields, the ID number's check digit, a mobile number) and the change waits in the outbox;
// the server checks the rest (a person living elsewhere, a place outside the cell) and a refusal comes back to
// the sync screen. The place comes from the phone's GPS or a tap on the map of the cell.
import * as data from "./data.js";
import * as outbox from "./outbox.js";
import { saveAndSync } from "./capture.js";
import { locate } from "./gps.js";
import { picker } from "./map.js";
import { change, idNumberProblem, keyOf, mobileProblem } from "./register.js";
import { options } from "./forms.js";
import { esc } from "./html.js";
import { t } from "./i18n.js";
import "./register-messages.js";

const choices = (catalogue, selected) => options(t(catalogue), selected);

const input = (name, value, extra = "", label = t("field_" + name)) =>
  `<label>${label}<input name="${name}" value="${esc(value || "")}" ${extra}><span class="error" data-for="${name}"></span></label>`;

function detailFields(h) {
  return `${input("head_name", h.head_name, 'required maxlength="50"')}
    ${input("head_id_number", "", `maxlength="18" autocapitalize="characters" placeholder="${esc(h.head_id_number || "")}"`)}
    ${input("address", h.address, 'required maxlength="200"')}
    ${input("phone", h.phone, 'type="tel" inputmode="numeric" maxlength="11"')}
    <fieldset class="choice tags"><legend>${t("field_tags")}</legend>${Object.entries(t("tag_names")).map(([code, label]) =>
      `<label><input type="checkbox" name="tags" value="${esc(code)}"${(h.tags || []).includes(code) ? " checked" : ""}>${esc(label)}</label>`).join("")}
    </fieldset>
    <fieldset class="place"><legend>${t("field_location")}</legend><p id="place-text" class="muted"></p>
      <button type="button" class="secondary" id="use-gps">${t("use_gps")}</button>
      <p class="muted">${t("location_tap")}</p><div id="place-picker" class="picker"></div>
      <button type="button" class="secondary" id="clear-place">${t("location_clear")}</button></fieldset>`;
}

function memberRow(i) {
  return `<fieldset class="member" data-row="${i}"><legend>${t("field_members")} ${i + 1}</legend>
    ${input(`members.${i}.name`, "", 'required maxlength="50"', t("field_name"))}
    <label>${t("field_relation")}<select name="members.${i}.relation">${choices("relations", "child")}</select></label>
    <label>${t("field_sex")}<select name="members.${i}.sex">${choices("sexes", "M")}</select></label>
    <label>${t("field_birth_date")}<input name="members.${i}.birth_date" type="date"></label>
    ${input(`members.${i}.id_number`, "", 'maxlength="18"', t("field_id_number"))}
    <button type="button" class="secondary remove-member">${t("remove_member_row")}</button></fieldset>`;
}

// The place on the form: {location (GeoJSON or null), label}; GPS and map taps set it.
function placeWidget(form, start, initial) {
  const place = { location: initial || null, accuracy: null };
  const say = () => {
    const c = place.location && place.location.coordinates;
    form.querySelector("#place-text").textContent = c
      ? t("location_at", { lon: c[0].toFixed(5), lat: c[1].toFixed(5) }) + (place.accuracy ? t("location_gps", { n: place.accuracy }) : "")
      : t("location_none");
  };
  const set = (lon, lat, accuracy = null) => {
    place.location = { type: "Point", coordinates: [Number(lon.toFixed(7)), Number(lat.toFixed(7))] };
    place.accuracy = accuracy;
    say();
  };
  form.querySelector("#use-gps").addEventListener("click", async () => {
    form.querySelector("#place-text").textContent = t("gps_waiting");
    const fix = await locate();
    if (fix) set(fix.lon, fix.lat, fix.accuracy); else { say(); form.querySelector("#place-text").textContent += ` · ${t("gps_none")}`; }
  });
  form.querySelector("#clear-place").addEventListener("click", () => { place.location = null; place.accuracy = null; say(); });
  if (start) picker(form.querySelector("#place-picker"), start, (p) => set(p.lon, p.lat));
  else form.querySelector("#place-picker").hidden = true;
  say();
  return place;
}

// Field by field what is wrong, shown beside each field (members by their row on the form); true when nothing is.
function checked(form, values, rows = []) {
  const problems = {};
  const need = (name, value, field) => {
    if (!String(value || "").trim()) problems[name] = t("required_field", { field: t("field_" + field) });
  };
  const idNumber = (name, value) => { const problem = idNumberProblem(value); if (problem) problems[name] = t(problem); };
  need("head_name", values.head_name, "head_name");
  need("address", values.address, "address");
  idNumber("head_id_number", values.head_id_number);
  (values.members || []).forEach((m, i) => {
    need(`members.${rows[i]}.name`, m.name, "name");
    idNumber(`members.${rows[i]}.id_number`, m.id_number);
  });
  if (mobileProblem(values.phone)) problems.phone = t(mobileProblem(values.phone));
  form.querySelectorAll("[data-for]").forEach((e) => { e.textContent = problems[e.dataset.for] || ""; });
  const first = Object.keys(problems)[0];
  if (first) form.querySelector(`[name="${first}"]`)?.focus();
  return !first;
}

const text = (f, name) => String(f.get(name) || "").trim();
const orNull = (value) => value || null;

function readDetails(form) {
  const f = new FormData(form);
  return { head_name: text(f, "head_name"), head_id_number: orNull(text(f, "head_id_number").toUpperCase()),
           address: text(f, "address"), phone: orNull(text(f, "phone")), tags: f.getAll("tags") };
}

// The member rows as entered, and the form's number of each row (rows removed leave gaps).
function readMembers(form) {
  const f = new FormData(form);
  const rows = [...form.querySelectorAll("fieldset.member")].map((row) => row.dataset.row);
  const members = rows.map((i) => ({
    name: text(f, `members.${i}.name`), relation: f.get(`members.${i}.relation`), sex: f.get(`members.${i}.sex`),
    birth_date: orNull(f.get(`members.${i}.birth_date`)), id_number: orNull(text(f, `members.${i}.id_number`).toUpperCase()) }));
  return { members, rows };
}

// Where the map opens: the household's place, else the middle of its cell's outline (the phone's cell).
async function mapStart(h) {
  if (h && h.location) return { lon: h.location.coordinates[0], lat: h.location.coordinates[1] };
  const shape = (await data.cellShapes()).find((s) => s.geometry && (!h || s.properties.code === h.cell_code));
  const ring = shape && shape.geometry.coordinates[0][0];
  if (!ring) return null;
  const sum = ring.reduce((acc, [lon, lat]) => [acc[0] + lon, acc[1] + lat], [0, 0]);
  return { lon: sum[0] / ring.length, lat: sum[1] / ring.length };
}

// What the user is left looking at after saving: what became of it, and where to go next.
function savedCard(root, h, heading, next) {
  root.innerHTML = `<section class="card" id="register-done"><h2>${esc(heading)}</h2><p>${esc(h.head_name)} · ${esc(h.address)}</p>
    <p id="register-saved" class="ok" role="status"></p>
    <a class="button" id="open-household" href="#/household/${esc(keyOf(h))}">${t("open_household")}</a>${next || ""}</section>`;
  return root.querySelector("#register-saved");
}

export async function showNew(root, go, user) {
  if (user.role !== "grid_worker") return go("#/households");  // cadres correct their households; keepers register
  root.innerHTML = `<a href="#/households" class="back">← ${t("back")}</a>
    <form id="register" class="card" novalidate><h2>${t("register_title")}</h2><p class="muted">${esc(user.unit_name)}</p>
      ${detailFields({})}<div id="member-rows"></div>
      <button type="button" class="secondary" id="add-member">${t("add_member_row")}</button>
      <button type="submit">${t("save")}</button></form>`;
  const form = root.querySelector("#register");
  let rows = 0;
  form.querySelector("#add-member").addEventListener("click", () => {
    form.querySelector("#member-rows").insertAdjacentHTML("beforeend", memberRow(rows++));
    form.querySelectorAll(".remove-member").forEach((b) => { b.onclick = () => b.closest("fieldset").remove(); });
  });
  const place = placeWidget(form, await mapStart(null), null);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const { members, rows: memberRows } = readMembers(form);
    const values = { ...readDetails(form), members };
    if (!checked(form, values, memberRows)) return;
    const registration = { cell_code: user.unit_code, ...values, location: place.location };
    const message = savedCard(root, { head_name: values.head_name, address: values.address, client_id: "" }, t("register_household"),
      `<button type="button" class="secondary" id="register-next">${t("register_household")}</button>`);
    root.querySelector("#register-next").addEventListener("click", () => go("#/register"));
    await saveAndSync("household_new", registration, values.head_name, message, (item) => {
      root.querySelector("#open-household").href = `#/household/${item.id}`;
    });
  });
}

export async function showEdit(root, go, key) {
  const items = await outbox.items();
  const h = await data.household(key, items);
  if (!h) return go("#/households");
  root.innerHTML = `<a href="#/household/${esc(key)}" class="back">← ${t("back")}</a>
    <form id="edit-household" class="card" novalidate><h2>${t("edit_household")}</h2>${detailFields(h)}
      <button type="submit">${t("save")}</button><p class="ok" id="edit-saved" role="status"></p></form>`;
  const form = root.querySelector("#edit-household");
  const place = placeWidget(form, await mapStart(h), h.location || null);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const values = readDetails(form);
    if (!values.head_id_number) delete values.head_id_number;  // left empty: kept as it is (it is shown masked)
    if (!checked(form, values)) return;
    const edited = Object.fromEntries(Object.entries({ ...values, location: place.location })
      .filter(([field, value]) => JSON.stringify(field === "tags" ? [...value].sort() : value)
                                  !== JSON.stringify(field === "tags" ? [...(h.tags || [])].sort() : h[field] ?? null)));
    const message = form.querySelector("#edit-saved");
    if (!Object.keys(edited).length) { message.className = "muted"; message.textContent = t("nothing_changed"); return; }
    const body = change(h, await outbox.items(), "edit", edited);
    const saved = savedCard(root, { ...h, ...edited }, t("edit_household"));
    await saveAndSync("household_change", body, h.head_name, saved);
  });
}
