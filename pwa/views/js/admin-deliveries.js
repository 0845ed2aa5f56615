// Outbound delivery (#deliveries?status=&channel=&page=): how many messages went out by each channel and how they
// stand, then the rows themselves, failed and pending first, each with its attempts, last error and next attempt.
import * as api from "/app/js/api.js";
import { esc } from "/app/js/html.js";
import { t } from "/app/js/i18n.js";
import { go, pager, table } from "./admin-common.js";
import { count, query } from "./format.js";
import { markDrawn } from "./drawn.js";

const CHANNELS = ["wecom", "dingtalk", "sms"];
const STATUSES = ["failed", "pending", "held", "sent", "digested"];
const WHEN = new Intl.DateTimeFormat("zh-CN", { timeZone: "Asia/Shanghai", dateStyle: "short", timeStyle: "short" });
const when = (instant) => (instant ? esc(WHEN.format(new Date(instant))) : "—");
const options = (codes, names, selected, any) => `<option value="">${esc(any)}</option>${codes.map((code) =>
  `<option value="${code}" ${code === selected ? "selected" : ""}>${esc(names[code])}</option>`).join("")}`;

export async function showDeliveries(element, params, { shown }) {
  const state = { status: params.get("status") || "", channel: params.get("channel") || "" };
  const page = Math.max(1, Number(params.get("page")) || 1);
  const channelNames = t("notify_channel_names");
  const statusNames = t("adm_delivery_statuses");
  element.innerHTML = `<section class="card" id="deliveries"><form id="delivery-filters" class="toolbar">
      <select name="status" aria-label="${esc(t("adm_state"))}">${options(STATUSES, statusNames, state.status,
        t("adm_any_status"))}</select>
      <select name="channel" aria-label="${esc(t("adm_channel"))}">${options(CHANNELS, channelNames, state.channel,
        t("adm_any_channel"))}</select>
      <button type="submit">${esc(t("adm_find"))}</button></form>
    <div id="deliveries-body">${esc(t("loading"))}</div></section>`;
  const form = element.querySelector("#delivery-filters");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    go("deliveries", { status: form.elements.status.value, channel: form.elements.channel.value });
  });
  const answer = await api.get(`/api/admin/notifications/deliveries?${query({ ...state, page, page_size: 50 })}`);
  if (!shown()) return;
  const counted = Object.fromEntries(answer.counts.map((c) => [`${c.channel}.${c.status}`, c.count]));
  const body = element.querySelector("#deliveries-body");
  body.innerHTML = `<p class="muted" id="deliveries-configured">${esc(t("adm_configured"))}：${esc(
      answer.configured.map((c) => channelNames[c]).join("、") || t("adm_configured_none"))}</p>
    <div class="table-wrap"><table class="grid" id="delivery-counts"><thead><tr><th class="text">${esc(t("adm_channel"))}</th>${
      STATUSES.map((s) => `<th scope="col">${esc(statusNames[s])}</th>`).join("")}</tr></thead><tbody>${
      CHANNELS.map((c) => `<tr data-channel="${c}"><th scope="row" class="text">${esc(channelNames[c])}</th>${
        STATUSES.map((s) => `<td data-status="${s}">${count(counted[`${c}.${s}`] || 0)}</td>`).join("")}</tr>`).join("")}
    </tbody></table></div>
    ${answer.items.length ? table("delivery-table", [
      ["adm_at", (r) => when(r.created_at)],
      ["adm_channel", (r) => esc(channelNames[r.channel])],
      ["adm_recipient", (r) => esc(r.username ?? t("adm_group"))],
      ["adm_state", (r) => `<span data-status="${esc(r.status)}">${esc(statusNames[r.status])}</span>${
        r.urgent ? ` <strong>${esc(t("adm_urgent"))}</strong>` : ""}`],
      ["adm_attempts", (r) => esc(r.attempts)],
      ["adm_last_error", (r) => esc(r.last_error ?? "—")],
      ["adm_next_attempt", (r) => (["pending", "held"].includes(r.status) ? when(r.next_attempt_at) : "—")],
      ["adm_sent_at", (r) => when(r.sent_at)],
      ["adm_body", (r) => esc(r.body)],
    ], answer.items) : `<p class="muted" id="deliveries-empty">${esc(t("adm_none"))}</p>`}`;
  pager(body, answer, (n) => go("deliveries", { ...state, page: n }));
  markDrawn(element.querySelector("#deliveries"));
}
