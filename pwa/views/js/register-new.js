// Registering a household from the desk (#new): its cell among the cells of the user's area, the head, address,
// phone, tags, the other members row by row, and optionally its place, a click on the cell's map. Sent with a UUID
// of its own, so a second press answers the household registered by the first; then on to the household's page.
import * as api from "/app/js/api.js";
import { esc } from "/app/js/html.js";
import { t } from "/app/js/i18n.js";
import { newId } from "/app/js/ids.js";
import {
  areaCells, cellOptions, checkedTags, choice, confirmOutside, failure, field, input, outsideWarning, say,
  showFieldErrors, tagBoxes,
} from "./register-forms.js";
import { cellMap } from "./register-map.js";
import { markDrawn } from "./drawn.js";

const MEMBER_FIELDS = ["name", "relation", "sex", "birth_date", "id_number"];

export async function showNew(main, user, { shown }) {
  const cells = await areaCells();
  if (!shown()) return;
  const state = { id: newId(), picked: null, members: [] };
  main.innerHTML = `<p><a href="${esc(sessionStorage.getItem("register-list") || "#list")}" id="back">${esc(t("reg_back"))}</a></p>
    <p id="said" role="status"></p>
    <section class="card" id="new"><h2>${esc(t("reg_new_title"))}</h2>
      <form id="new-form" class="register-form" novalidate><div class="new-layout"><div>
        ${field("cell_code", t("reg_cell"), `<select name="cell_code"><option value="">${esc(t("reg_choose_cell"))}</option>${
          cellOptions(cells, { selected: cells.length === 1 ? cells[0].code : "" })}</select>`, { required: true })}
        ${field("head_name", t("reg_head"), input("head_name", { max: 50 }), { required: true })}
        ${field("head_id_number", t("reg_id_number"), input("head_id_number", { max: 18 }))}
        ${field("address", t("reg_address"), input("address"), { required: true })}
        ${field("phone", t("reg_phone"), input("phone", { max: 11 }))}
        ${field("tags", t("reg_tags"), tagBoxes("tags"))}</div>
        <div><div id="new-map" class="small-map"></div><p class="muted" id="picked">${esc(t("reg_map_hint"))}</p>
          <span class="field-error" data-for="location" role="alert"></span></div></div>
        <h3>${esc(t("reg_members_title"))}</h3><div id="member-rows"></div>
        <span class="field-error" data-for="members" role="alert"></span>
        <p><button type="button" class="secondary" id="add-member">${esc(t("reg_add_member"))}</button></p>
        <div id="confirm-host"></div>
        <button type="submit" id="register-household">${esc(t("reg_register"))}</button></form></section>`;
  const form = main.querySelector("#new-form");
  const drawMap = () => {
    const element = main.querySelector("#new-map");
    element.wanggeMap?.remove();
    state.picked = null;
    main.querySelector("#picked").textContent = t("reg_map_hint");
    if (!form.elements.cell_code.value) return;
    cellMap(element, form.elements.cell_code.value, null, (point) => {
      state.picked = point;
      main.querySelector("#picked").textContent = t("reg_picked", { lon: point[0], lat: point[1] });
    });
  };
  form.elements.cell_code.addEventListener("change", drawMap);
  main.querySelector("#add-member").addEventListener("click", () => {
    state.members = [...readMembers(form, state.members.length), {}];
    drawRows(form, state);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    register(main, form, state);
  });
  drawMap();
  markDrawn(main.querySelector("#new"));
}

function drawRows(form, state) {
  const host = form.querySelector("#member-rows");
  host.innerHTML = state.members.map((m, i) => `<fieldset class="member-row" data-row="${i}">
    ${field(`members.${i}.name`, t("reg_name"), input(`members.${i}.name`, { value: m.name || "", max: 50 }), { required: true })}
    ${field(`members.${i}.relation`, t("reg_relation"), choice(`members.${i}.relation`, "relations", { selected: m.relation }))}
    ${field(`members.${i}.sex`, t("reg_sex"), choice(`members.${i}.sex`, "sexes", { selected: m.sex }))}
    ${field(`members.${i}.birth_date`, t("reg_birth"), input(`members.${i}.birth_date`, { type: "date", value: m.birth_date || "" }))}
    ${field(`members.${i}.id_number`, t("reg_member_id"), input(`members.${i}.id_number`, { value: m.id_number || "", max: 18 }))}
    <button type="button" class="secondary" data-remove="${i}">${esc(t("reg_remove"))}</button></fieldset>`).join("");
  host.querySelectorAll("button[data-remove]").forEach((button) => button.addEventListener("click", () => {
    state.members = readMembers(form, state.members.length).filter((_, i) => i !== Number(button.dataset.remove));
    drawRows(form, state);
  }));
}

function readMembers(form, count) {
  return Array.from({ length: count }, (_, i) => Object.fromEntries(MEMBER_FIELDS.map((name) =>
    [name, form.elements[`members.${i}.${name}`]?.value.trim() || null])));
}

async function register(main, form, state, { confirm = false } = {}) {
  const text = (name) => form.elements[name].value.trim() || null;
  const body = {
    id: state.id, cell_code: form.elements.cell_code.value, head_name: text("head_name") || "",
    head_id_number: text("head_id_number"), address: text("address") || "", phone: text("phone"),
    tags: checkedTags(form, "tags"), members: readMembers(form, state.members.length),
    location: state.picked ? { type: "Point", coordinates: state.picked } : null, confirm_location_outside: confirm,
  };
  const button = form.querySelector("#register-household");
  button.disabled = true;
  try {
    const household = await api.post("/api/households", body);
    sessionStorage.setItem("register-said", t("reg_registered", { code: household.code }));  // said on its page
    location.hash = `#household/${household.code}`;
  } catch (error) {
    button.disabled = false;
    if (outsideWarning(error)) {
      return confirmOutside(form.querySelector("#confirm-host"), () => register(main, form, state, { confirm: true }));
    }
    say(main, failure(error, showFieldErrors(form, error)), { error: true });
  }
}
