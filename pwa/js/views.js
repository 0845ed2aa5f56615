// The screens. Each returns HTML for #app (every value escaped) and wires its own events.
import * as api from "./api.js";
import * as data from "./data.js";
import * as outbox from "./outbox.js";
import * as storage from "./storage.js";
import { locate } from "./gps.js";
import { esc } from "./html.js";
import { picker } from "./map.js";
import { t } from "./i18n.js";

const OVERDUE_DAYS = 30;


const options = (map, selected) =>
  Object.entries(map).map(([k, label]) => `<option value="${k}"${k === selected ? " selected" : ""}>${esc(label)}</option>`).join("");

export async function login(root, go) {
  root.innerHTML = `<form id="login" class="card">
    <h1>${t("app")}</h1>
    <label>${t("username")}<input name="username" autocomplete="username" required></label>
    <label>${t("password")}<input name="password" type="password" autocomplete="current-password" required></label>
    <p class="error" id="login-error"></p>
    <button type="submit">${t("login")}</button></form>`;
  root.querySelector("#login").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    try {
      const user = await api.login(form.get("username"), form.get("password"));
      await data.refresh();
      await data.refreshMapData(user);
      go("#/households");
    } catch (error) {
      root.querySelector("#login-error").textContent = navigator.onLine ? `${t("login_failed")}: ${error.message}`
        : t("need_online_login");
    }
  });
}

export async function households(root, go) {
  const [list, items] = await Promise.all([data.households(), outbox.items()]);
  const rows = list.map((h) => ({ h, days: data.daysSince(h, items) }))
    .sort((a, b) => (b.days ?? 9999) - (a.days ?? 9999) || a.h.code.localeCompare(b.h.code));
  root.innerHTML = `<input id="search" type="search" placeholder="${t("search")}" aria-label="${t("search")}">
    <ul class="list" id="households">${rows.map(({ h, days }) => `
      <li data-text="${esc(h.head_name + h.address)}"><a href="#/household/${esc(h.code)}">
        <strong>${esc(h.head_name)}</strong> <span class="muted">${esc(h.address)}</span>
        <span class="badge ${days === null || days > OVERDUE_DAYS ? "late" : ""}">${
          days === null ? t("never_visited") : t("days_since", { n: days })}${
          days === null || days > OVERDUE_DAYS ? " · " + t("overdue") : ""}</span></a></li>`).join("")}</ul>`;
  root.querySelector("#search").addEventListener("input", (event) => {
    const q = event.target.value.trim();
    for (const li of root.querySelectorAll("#households li")) li.hidden = q && !li.dataset.text.includes(q);
  });
}

export async function household(root, go, code) {
  const h = await data.household(code);
  if (!h) return go("#/households");
  root.innerHTML = `<a href="#/households" class="back">← ${t("back")}</a>
    <section class="card"><h2>${esc(h.head_name)}</h2><p>${esc(h.address)}</p>
      <p>${t("members")}: ${esc(h.member_count)} · ${t("phone")}: ${esc(h.phone || "—")} · ${t("id_number")}: ${esc(h.head_id_number || "—")}</p>
      <p>${(h.members || []).map((m) => esc(m.name)).join("、")}</p>
      <p>${(h.tags || []).map((tag) => `<span class="tag">${esc(t("tag_names")[tag] || tag)}</span>`).join(" ")}</p></section>
    <section class="card"><h2>${t("recent_visits")}</h2><ul class="list" id="visits">${await visitList(code)}</ul></section>
    <form id="visit" class="card"><h2>${t("log_visit")}</h2>
      <label>${t("kind")}<select name="kind">${options(t("visit_kinds"), "policy")}</select></label>
      <label>${t("notes")}<textarea name="notes" rows="3"></textarea></label>
      <label>${t("findings")}<textarea name="findings" rows="2"></textarea></label>
      <label>${t("follow_up")}<input name="follow_up_on" type="date"></label>
      <p class="muted" id="gps">${t("gps")}: ${t("gps_waiting")}</p>
      <button type="submit">${t("save")}</button><p class="ok" id="visit-saved"></p></form>
    <form id="dispute" class="card"><h2>${t("report_dispute")}</h2>
      <label>${t("category")}<select name="category">${options(t("categories"), "neighbour")}</select></label>
      <label>${t("risk")}<select name="risk_colour">${options(t("risks"), "blue")}</select></label>
      <label>${t("title")}<input name="title" required maxlength="200"></label>
      <label>${t("description")}<textarea name="description" rows="3"></textarea></label>
      <label>${t("parties")}<input name="parties"></label>
      <p class="muted" id="picked">${t("tap_map")}</p><div id="picker" class="picker"></div>
      <button type="submit">${t("save")}</button><p class="ok" id="dispute-saved"></p></form>`;
  let fix = null;
  locate().then((p) => {
    fix = p;
    root.querySelector("#gps").textContent = `${t("gps")}: ` + (p ? t("accuracy", { n: p.accuracy }) : t("gps_none"));
  });
  const where = () => (fix ? { location: { lon: fix.lon, lat: fix.lat }, gps_accuracy_m: fix.accuracy } : {});
  let picked = null;
  const start = h.location ? { lon: h.location.coordinates[0], lat: h.location.coordinates[1] } : null;
  if (start) picker(root.querySelector("#picker"), start, (p) => {
    picked = p;
    root.querySelector("#picked").textContent = `${t("picked")}: ${p.lon.toFixed(5)}, ${p.lat.toFixed(5)}`;
  });
  root.querySelector("#visit").addEventListener("submit", async (event) => {
    event.preventDefault();
    const f = new FormData(event.target);
    await outbox.add("visit", { household_code: code, kind: f.get("kind"), notes: f.get("notes"),
      findings: f.get("findings"), follow_up_on: f.get("follow_up_on") || null, visited_at: new Date().toISOString(),
      ...where() });
    event.target.reset();
    root.querySelector("#visit-saved").textContent = t("saved");
    outbox.sync().catch(() => {});
  });
  root.querySelector("#dispute").addEventListener("submit", async (event) => {
    event.preventDefault();
    const f = new FormData(event.target);
    const parties = String(f.get("parties") || "").split(/[,，、]/).map((s) => s.trim()).filter(Boolean)
      .map((name) => ({ name }));
    await outbox.add("dispute", { household_code: code, category: f.get("category"), risk_colour: f.get("risk_colour"),
      title: f.get("title"), description: f.get("description"), parties, party_count: Math.max(parties.length, 1),
      reported_at: new Date().toISOString(), ...(picked ? { location: picked, gps_accuracy_m: null } : where()) });
    event.target.reset();
    root.querySelector("#dispute-saved").textContent = t("saved");
    outbox.sync().catch(() => {});
  });
}

async function visitList(code) {
  const pending = (await outbox.items()).filter((i) => i.type === "visit" && i.data.household_code === code)
    .map((i) => ({ visited_at: i.data.visited_at, kind: i.data.kind, notes: i.data.notes, pending: true }));
  const known = (await data.visits(code)) || [];
  const rows = [...pending, ...known].sort((a, b) => b.visited_at.localeCompare(a.visited_at)).slice(0, 10);
  return rows.map((v) => `<li>${esc(v.visited_at.slice(0, 10))} ${esc(t("visit_kinds")[v.kind] || v.kind)}
    ${v.pending ? `<span class="badge late">${t("pending")}</span>` : ""}<span class="muted">${esc(v.notes)}</span></li>`)
    .join("") || `<li class="muted">${t("never_visited")}</li>`;
}

export async function sync(root, go) {
  const items = await outbox.items();
  const last = await storage.get("kv", "lastSync");
  const waiting = items.filter((i) => i.status === "waiting");
  const rejected = items.filter((i) => i.status === "rejected");
  root.innerHTML = `<section class="card"><h2>${t("sync")}</h2>
      <p id="waiting">${t("waiting", { n: waiting.length })}</p>
      <p>${t("last_sync")}: ${last ? esc(new Date(last).toLocaleString()) : t("never")}</p>
      <button id="sync-now">${t("sync_now")}</button></section>
    ${rejected.length ? `<section class="card"><h2>${t("rejected")}</h2><ul class="list">${rejected.map((i) =>
      `<li>${esc(i.type)} ${esc(i.data.household_code || "")}: ${esc(i.reason?.message_zh || "")} ${esc(i.reason?.message || "")}</li>`).join("")}</ul></section>` : ""}`;
  root.querySelector("#sync-now").addEventListener("click", async () => {
    try { await outbox.sync(); await data.refresh(); } finally { go("#/sync"); }
  });
}
