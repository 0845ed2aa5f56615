// Users (#users?q=&role=&unit=&page=): the list with search and filters, page by page; beside it the form that
// creates a user (role and unit, the unit's level fitting the role), or edits one, or resets a password.
import * as api from "/app/js/api.js";
import { esc } from "/app/js/html.js";
import { t } from "/app/js/i18n.js";
import { allUnits, go, pager, table, unitOptions } from "./admin-common.js";
import { field, input, say, showFieldErrors, values } from "./register-forms.js";
import { markDrawn } from "./drawn.js";

const PAGE_SIZE = 50;
let rolesAnswer = null;
const roles = () => (rolesAnswer ??= api.get("/api/admin/roles"));

export async function showUsers(element, params, { main, shown }) {
  const state = { q: params.get("q") || "", role: params.get("role") || "", unit: params.get("unit") || "",
                  page: Math.max(1, Number(params.get("page")) || 1) };
  const [roleList, units] = await Promise.all([roles(), allUnits()]);
  const roleName = Object.fromEntries(roleList.map((r) => [r.code, r.zh]));
  element.innerHTML = `<div class="register-layout"><section class="card" id="users">
      <form id="user-filters" class="toolbar">
        <input type="search" name="q" maxlength="64" value="${esc(state.q)}" placeholder="${esc(t("adm_search"))}"
          aria-label="${esc(t("adm_search"))}">
        <select name="role" aria-label="${esc(t("adm_role"))}"><option value="">${esc(t("adm_any_role"))}</option>${
          roleList.map((r) => `<option value="${r.code}" ${r.code === state.role ? "selected" : ""}>${esc(r.zh)}</option>`).join("")}</select>
        <select name="unit" aria-label="${esc(t("adm_unit"))}"><option value="">${esc(t("adm_any_unit"))}</option>${
          unitOptions(units.filter((u) => u.level !== "cell"), state.unit)}</select>
        <button type="submit">${esc(t("adm_find"))}</button></form>
      <div id="users-body">${esc(t("loading"))}</div></section>
    <aside class="card" id="user-form-host"></aside></div>`;
  const filters = element.querySelector("#user-filters");
  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    go("users", { q: filters.elements.q.value.trim(), role: filters.elements.role.value, unit: filters.elements.unit.value });
  });
  const host = element.querySelector("#user-form-host");
  const context = { main, host, roleList, units, redraw: () => showUsers(element, params, { main, shown }) };
  createForm(context);
  const page = await api.get(`/api/admin/users?${new URLSearchParams(Object.entries({ q: state.q, role: state.role,
    unit_code: state.unit, page: state.page, page_size: PAGE_SIZE }).filter(([, v]) => v))}`);
  if (!shown()) return;
  const body = element.querySelector("#users-body");
  body.innerHTML = page.items.length ? table("users-table", [
    ["adm_username", (u) => esc(u.username)], ["adm_name", (u) => esc(u.display_name)],
    ["adm_role", (u) => esc(roleName[u.role] || u.role)], ["adm_unit", (u) => esc(u.unit_name)],
    ["adm_phone", (u) => esc(u.phone || "—")],
    ["adm_state", (u) => esc(`${t(u.active ? "adm_active" : "adm_inactive")}${u.must_change_password ? ` · ${t("adm_must_change")}` : ""}`)],
    ["adm_actions", (u) => `<button type="button" class="secondary" data-action="edit">${esc(t("adm_edit"))}</button>
      <button type="button" class="secondary" data-action="toggle">${esc(t(u.active ? "adm_disable" : "adm_enable"))}</button>
      <button type="button" class="secondary" data-action="reset">${esc(t("adm_reset"))}</button>`],
  ], page.items) : `<p class="muted" id="users-empty">${esc(t("adm_none"))}</p>`;
  pager(body, page, (n) => go("users", { ...state, page: n }));
  body.querySelectorAll("button[data-action]").forEach((button) => button.addEventListener("click", () => {
    const user = page.items.find((u) => String(u.id) === button.closest("tr").dataset.id);
    ({ edit: editForm, toggle: toggle, reset: resetForm })[button.dataset.action](context, user);
  }));
  markDrawn(element.querySelector("#users"));
}

/** The role select and the unit select that lists only the units of the levels the chosen role is bound to. */
function roleAndUnit(context, { role = "", unit = "" } = {}) {
  return `${field("role", t("adm_role"), `<select name="role" required><option value="">—</option>${context.roleList.map((r) =>
      `<option value="${r.code}" ${r.code === role ? "selected" : ""}>${esc(r.zh)}</option>`).join("")}</select>`, { required: true })}
    ${field("unit_code", t("adm_unit"), `<select name="unit_code" required>${unitChoices(context, role, unit)}</select>`,
      { required: true })}`;
}

function unitChoices(context, role, unit) {
  const levels = context.roleList.find((r) => r.code === role)?.bound_to;
  if (!levels) return `<option value="">${esc(t("adm_choose_role"))}</option>`;
  return unitOptions(context.units.filter((u) => levels.includes(u.level)), unit);
}

function wireRole(context, form) {
  form.elements.role.addEventListener("change", () => {
    form.elements.unit_code.innerHTML = unitChoices(context, form.elements.role.value, "");
  });
}

/** Send a form's answer; field errors beside their fields, the outcome on the page's line. */
async function submit(context, form, send, done) {
  try {
    const answer = await send();
    say(context.main, done(answer));
    context.redraw();
  } catch (error) {
    if (error.status === 401) throw error;
    const fields = showFieldErrors(form, error);
    say(context.main, `${t("adm_failed")}：${fields ? t("adm_check_fields") : error.message}`, { error: true });
  }
}

function createForm(context) {
  context.host.innerHTML = `<form id="user-create"><h2>${esc(t("adm_new_user"))}</h2>
    ${field("username", t("adm_username"), input("username", { required: true, max: 64 }), { required: true })}
    ${field("display_name", t("adm_name"), input("display_name", { required: true, max: 50 }), { required: true })}
    ${roleAndUnit(context)}
    ${field("phone", t("adm_phone"), input("phone", { max: 11 }))}
    ${field("password", t("adm_password"), input("password", { type: "password", required: true }), { required: true })}
    <button type="submit">${esc(t("adm_create"))}</button></form>`;
  const form = context.host.querySelector("form");
  wireRole(context, form);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = values(form, ["username", "display_name", "role", "unit_code", "phone", "password"]);
    submit(context, form, () => api.post("/api/admin/users", body), (user) => t("adm_created", user));
  });
}

function editForm(context, user) {
  context.host.innerHTML = `<form id="user-edit" data-id="${user.id}"><h2>${esc(t("adm_edit"))} ${esc(user.username)}</h2>
    ${field("display_name", t("adm_name"), input("display_name", { value: user.display_name, required: true, max: 50 }))}
    ${roleAndUnit(context, { role: user.role, unit: user.unit_code })}
    ${field("phone", t("adm_phone"), input("phone", { max: 11, placeholder: t("adm_phone_keep", { now: user.phone || "—" }) }))}
    <button type="submit">${esc(t("adm_save"))}</button>
    <button type="button" class="secondary" id="edit-cancel">${esc(t("adm_cancel"))}</button></form>`;
  const form = context.host.querySelector("form");
  wireRole(context, form);
  form.querySelector("#edit-cancel").addEventListener("click", () => createForm(context));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = values(form, ["display_name", "role", "unit_code", "phone"]);
    submit(context, form, () => api.patch(`/api/admin/users/${user.id}`, body), (saved) => t("adm_saved", saved));
  });
}

function resetForm(context, user) {
  context.host.innerHTML = `<form id="user-reset" data-id="${user.id}"><h2>${esc(t("adm_reset"))} ${esc(user.username)}</h2>
    ${field("password", t("adm_temporary"), input("password", { type: "password", required: true }), { required: true })}
    <button type="submit">${esc(t("adm_reset"))}</button>
    <button type="button" class="secondary" id="reset-cancel">${esc(t("adm_cancel"))}</button></form>`;
  const form = context.host.querySelector("form");
  form.querySelector("#reset-cancel").addEventListener("click", () => createForm(context));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit(context, form, () => api.patch(`/api/admin/users/${user.id}`, { password: form.elements.password.value }),
      (saved) => t("adm_reset_done", saved));
  });
}

function toggle(context, user) {
  submit(context, context.host, () => api.patch(`/api/admin/users/${user.id}`, { active: !user.active }),
    (saved) => t(saved.active ? "adm_enabled" : "adm_disabled", saved));
}
