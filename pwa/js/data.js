// What the phone keeps to work offline, refreshed by pull: the households of the user's area with their
// recent visits, the disputes not yet closed with their timelines, the open follow-ups, the cell's reports
// and the settings the app obeys. Everything read here counts what still waits in the outbox.
import * as api from "./api.js";
import * as storage from "./storage.js";
import { isOf, keyOf, pendingHousehold, withChanges } from "./register.js";

export const OVERDUE_DAYS = 30;
const CHINA_OFFSET_MS = 8 * 3600000;  // China keeps one time zone and no daylight saving
// Raised when the pull's households gain a field: a phone that kept households of an older shape pulls everything
// once (an incremental pull sends only the households changed since, so the others would lack it for good).
const PULL_SHAPE = 2;  // 2: my_last_visit_at

export async function refresh() {
  await sendReads();  // first: the pulled messages then show them read
  const [shape, cursor] = await Promise.all([storage.get("kv", "pullShape"), storage.get("kv", "cursor")]);
  const since = shape === PULL_SHAPE ? cursor : null;
  const asked = Date.now();
  const reply = await api.pull(since);
  // how far this phone's clock is off the server's: its times are what the server keeps (see clockOff)
  const clockOffset = (asked + Date.now()) / 2 - Date.parse(reply.server_time);
  const households = (await storage.get("kv", "households")) || {};
  for (const h of reply.households) households[h.code] = h;
  const keep = new Set(reply.household_codes);
  for (const code of Object.keys(households)) if (!keep.has(code)) delete households[code];  // deleted or moved away
  const disputes = (await storage.get("kv", "disputes")) || {};
  for (const d of reply.disputes) disputes[d.id] = d;
  const kept = new Set(reply.dispute_ids || reply.open_dispute_ids);
  for (const id of Object.keys(disputes)) if (!kept.has(id)) delete disputes[id];
  // one transaction: the pull is kept whole or not at all, and sooner than one write after another
  await storage.putAll("kv", {
    households, disputes,
    followUps: reply.follow_ups,  // the complete list of open follow-ups, every pull
    reports: reply.zero_reports || [],
    incomingMoves: reply.incoming_moves || [],  // complete on every pull
    villageCells: reply.village_cells || [],
    settings: reply.settings || {},
    messages: reply.notifications || [],  // the latest, complete on every pull
    cursor: reply.cursor, pullShape: PULL_SHAPE, clockOffset });
}

/** Minutes this phone's clock runs ahead of the server's (negative: behind) at the last pull, when that is more than
 * the server allows (its items would be refused, or carry wrong times); else 0. */
export async function clockOff() {
  const [offset, settings] = await Promise.all([storage.get("kv", "clockOffset"), storage.get("kv", "settings")]);
  const allowed = (settings && settings.clock_skew_seconds) * 1000;
  return offset && allowed && Math.abs(offset) > allowed ? Math.round(offset / 60000) : 0;
}

// The cells' boundaries for the map (a worker's cell; a cadre's households' cells), and the tile settings;
// fetched while online, kept for offline.
export async function refreshMapData(user) {
  const cells = async () => (user.role === "grid_worker" ? [user.unit_code]
    : [...new Set((await households()).map((h) => h.cell_code))]);
  const shapesOf = (codes) => Promise.all(codes.slice(0, 20).map(async (code) => {  // at once, not one after another
    const response = await fetch(`/api/grid/units/${encodeURIComponent(code)}`, { credentials: "same-origin" });
    return response.ok ? response.json() : null;
  }));
  // both asked at once and awaited together: offline, neither failure is left unhandled (an uncaught rejection)
  const [config, shapes] = await Promise.all([fetch("/app/config.json").then((r) => r.json()), cells().then(shapesOf)]);
  await storage.put("kv", config, "config");
  await storage.put("kv", shapes.filter(Boolean), "cellShapes");
}

// The messages as pulled, with those read here since (told to the server at the next sync) shown read.
export async function messages() {
  const read = new Set((await storage.get("kv", "messagesRead")) || []);
  const now = new Date().toISOString();
  return ((await storage.get("kv", "messages")) || []).map((m) => (read.has(m.id) && !m.read_at ? { ...m, read_at: now } : m));
}

export async function markRead(id) {
  const read = (await storage.get("kv", "messagesRead")) || [];
  if (!read.includes(id)) await storage.put("kv", [...read, id], "messagesRead");
}

export const unreadMessages = async () => (await messages()).filter((m) => !m.read_at).length;

// The messages read on this phone, told to the server (marking read twice is harmless); those told are forgotten.
export async function sendReads() {
  const read = (await storage.get("kv", "messagesRead")) || [];
  if (!read.length) return;  // nothing to tell, nothing to write (a write would hold up the pull's reads)
  const told = [];
  for (const id of read) {
    try {
      await api.post(`/api/notifications/${encodeURIComponent(id)}/read`);
      told.push(id);
    } catch (error) {
      if (api.unreachable(error)) break;  // offline again: the rest wait for the next sync
      told.push(id);  // gone on the server (404): nothing to tell
    }
  }
  const left = ((await storage.get("kv", "messagesRead")) || []).filter((id) => !told.includes(id));
  await storage.put("kv", left, "messagesRead");
}

export const villageCells = async () => (await storage.get("kv", "villageCells")) || [];
export const incomingMoves = async () => (await storage.get("kv", "incomingMoves")) || [];

export const cellShapes = async () => (await storage.get("kv", "cellShapes")) || [];

// The households of my area as I left them: those pulled, with my waiting changes applied, and those I
// registered that the server has not answered yet; retired ones (注销) only once the server has them.
export async function households(outboxItems = null) {
  const items = outboxItems || await storage.all("outbox");
  const pulled = Object.values((await storage.get("kv", "households")) || {});
  const known = new Set(pulled.map((h) => h.client_id).filter(Boolean));
  const registered = items.filter((i) => i.type === "household_new" && !known.has(i.id)).map(pendingHousehold);
  return [...registered, ...pulled].map((h) => withChanges(h, items));
}

// One household by its code or the UUID it was registered under (a link made before the server answered).
export async function household(key, outboxItems = null) {
  return (await households(outboxItems)).find((h) => keyOf(h) === key || h.client_id === key);
}

export async function disputes() {
  return Object.values((await storage.get("kv", "disputes")) || {});
}

export async function dispute(id) {
  return ((await storage.get("kv", "disputes")) || {})[id];
}

export const settings = async () => (await storage.get("kv", "settings")) || {};

// A household's visits, newest first: those waiting in the outbox, then the ones the server sent.
export function visitsOf(household, outboxItems) {
  const pending = outboxItems.filter((i) => i.type === "visit" && isOf(household, i.data))
    .map((i) => ({ ...i.data, id: i.id, pending: i.status, reason: i.reason }));
  return [...pending, ...(household.recent_visits || [])]
    .sort((a, b) => Date.parse(b.visited_at) - Date.parse(a.visited_at));
}

// Days since the last visit, counting visits still waiting in the outbox.
export function daysSince(household, outboxItems, now = Date.now()) {
  const times = outboxItems.filter((i) => i.type === "visit" && isOf(household, i.data))
    .map((i) => Date.parse(i.data.visited_at));
  if (household.last_visit_at) times.push(Date.parse(household.last_visit_at));
  if (!times.length) return null;
  return Math.max(0, Math.floor((now - Math.max(...times)) / 86400000));  // another device's clock may run ahead
}

// Open follow-ups: the server's list, less those a visit or a "done" waiting in the outbox has settled.
export async function followUps(outboxItems) {
  const list = (await storage.get("kv", "followUps")) || [];
  return list.filter((f) => !outboxItems.some((i) =>
    (i.type === "follow_up_done" && i.data.visit_id === f.visit_id)
    || (i.type === "visit" && i.data.household_code === f.household_code && Date.parse(i.data.visited_at) > Date.parse(f.visited_at))))
    .sort((a, b) => a.follow_up_on.localeCompare(b.follow_up_on));
}

// China's calendar: today as "YYYY-MM-DD", and a moment's day.
export const chinaDay = (moment = Date.now()) => new Date(new Date(moment).getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);

// The report the cell owes now: today's in daily reporting (日报告制); otherwise last month's during the
// first days of a month if it was not filed, else this month's. With whether it is filed (or waiting).
export async function reportDue(cellCode, outboxItems, today = chinaDay()) {
  const config = await settings();
  const reports = (await storage.get("kv", "reports")) || [];
  const filed = (kind, period) => reports.find((r) => r.cell_code === cellCode && r.kind === kind && r.period === period)
    || outboxItems.find((i) => i.type === "zero_report" && i.data.kind === kind && i.data.period === period);
  if (config.daily_reporting) return { kind: "daily", period: today, filed: filed("daily", today) };
  const thisMonth = today.slice(0, 8) + "01";
  const day = Number(today.slice(8));
  const last = new Date(Date.parse(thisMonth) - 86400000).toISOString().slice(0, 8) + "01";
  if (day <= (config.zero_report_grace_days ?? 5) && !filed("monthly", last)) {
    return { kind: "monthly", period: last, late: true, filed: null };
  }
  return { kind: "monthly", period: thisMonth, filed: filed("monthly", thisMonth) };
}

// A cadre's duty (每月上门): of their linked households, how many they visited themselves this China month; another
// visitor's visit does not count. The outbox holds only this user's items.
export function monthlyDuty(list, outboxItems, today = chinaDay()) {
  const month = today.slice(0, 7);
  const visited = list.filter((h) => (h.my_last_visit_at && chinaDay(h.my_last_visit_at).startsWith(month))
    || outboxItems.some((i) => i.type === "visit" && isOf(h, i.data) && chinaDay(i.data.visited_at).startsWith(month)));
  return { visited: visited.length, linked: list.length };
}
