// A household's members on its register page: the head and every member, those who left kept with their day and
// reason; a member joins (birth, marriage, moving in) or leaves (death, marriage, moving out) on a day. Each change
// goes through the page's ctx.change, which sends the version read and draws the household again from the answer.
import { esc } from "/app/js/html.js";
import { t } from "/app/js/i18n.js";
import { choice, field, input, today, values } from "./register-forms.js";

export function drawMembers(element, ctx) {
  const h = ctx.household, open = !h.retired_at;
  const named = (labels, value) => (value ? t(labels)[value] || value : "");
  element.innerHTML = `<div class="table-wrap"><table class="grid" id="members-table"><thead><tr>${[
      "reg_name", "reg_relation", "reg_sex", "reg_birth", "reg_member_id", "reg_joined", "reg_left", ""]
      .map((key) => `<th scope="col" class="text">${key ? esc(t(key)) : ""}</th>`).join("")}</tr></thead><tbody>
    <tr data-member="head"><td class="text">${esc(h.head_name)}</td><td class="text">${esc(t("reg_head"))}</td>
      <td class="text">—</td><td class="text">—</td><td class="text">${esc(h.head_id_number || "—")}</td>
      <td class="text"></td><td class="text"></td><td></td></tr>
    ${h.members.map((m) => `<tr data-member-id="${esc(m.id)}" class="${m.left_on ? "left" : "current"}">
      <td class="text name">${esc(m.name)}</td><td class="text">${esc(named("relations", m.relation))}</td>
      <td class="text">${esc(named("sexes", m.sex))}</td><td class="text">${esc(m.birth_date || "—")}</td>
      <td class="text">${esc(m.id_number || "—")}</td>
      <td class="text joined">${esc(m.joined_on ? `${m.joined_on} ${named("join_reasons", m.join_reason)}` : t("reg_since_registration"))}</td>
      <td class="text left">${esc(m.left_on ? `${m.left_on} ${named("leave_reasons", m.leave_reason)}` : "")}</td>
      <td>${open && !m.left_on ? `<button type="button" class="link" data-leave="${esc(m.id)}">${esc(t("reg_leave"))}</button>` : ""}</td>
    </tr>`).join("")}</tbody></table></div>
    <div id="leave-host"></div>${open ? joinForm() : ""}`;
  if (!open) return;
  element.querySelectorAll("button[data-leave]").forEach((button) => button.addEventListener("click", () =>
    leaveForm(element.querySelector("#leave-host"), ctx, h.members.find((m) => String(m.id) === button.dataset.leave))));
  const form = element.querySelector("#join-form");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = { birth_date: null, id_number: null, ...values(form, ["name", "relation", "sex", "birth_date", "id_number",
                                                                       "reason", "on"]) };
    ctx.change(`/api/households/${h.code}/members`, body, form, t("reg_member_added", { name: body.name || "" }));
  });
}

function joinForm() {
  return `<form id="join-form" class="register-form" novalidate><h4>${esc(t("reg_join"))}</h4>
    ${field("name", t("reg_name"), input("name", { max: 50 }), { required: true })}
    ${field("relation", t("reg_relation"), choice("relation", "relations"), { required: true })}
    ${field("sex", t("reg_sex"), choice("sex", "sexes"), { required: true })}
    ${field("birth_date", t("reg_birth"), input("birth_date", { type: "date" }))}
    ${field("id_number", t("reg_member_id"), input("id_number", { max: 18 }))}
    ${field("reason", t("reg_reason"), choice("reason", "join_reasons"), { required: true })}
    ${field("on", t("reg_day"), input("on", { type: "date", value: today() }), { required: true })}
    <button type="submit">${esc(t("reg_join"))}</button></form>`;
}

function leaveForm(host, ctx, member) {
  host.innerHTML = `<form id="leave-form" class="register-form" data-member-id="${esc(member.id)}" novalidate>
    <h4>${esc(t("reg_leave"))}：${esc(member.name)}</h4>
    ${field("reason", t("reg_reason"), choice("reason", "leave_reasons"), { required: true })}
    ${field("on", t("reg_day"), input("on", { type: "date", value: today() }), { required: true })}
    <span class="field-error" data-for="member_id" role="alert"></span>
    <button type="submit">${esc(t("reg_leave"))}</button></form>`;
  const form = host.querySelector("form");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    ctx.change(`/api/households/${ctx.household.code}/members/${member.id}/leave`, values(form, ["reason", "on"]), form,
               t("reg_member_left", { name: member.name }));
  });
}
