// What the phone keeps to work offline: the households and disputes of the user's area, refreshed by pull.
import * as api from "./api.js";
import * as storage from "./storage.js";

export async function refresh() {
  const since = await storage.get("kv", "cursor");
  const reply = await api.pull(since);
  const households = (await storage.get("kv", "households")) || {};
  for (const h of reply.households) households[h.code] = h;
  const keep = new Set(reply.household_codes);
  for (const code of Object.keys(households)) if (!keep.has(code)) delete households[code];  // deleted or moved away
  const disputes = (await storage.get("kv", "disputes")) || {};
  for (const d of reply.disputes) disputes[d.id] = d;
  const open = new Set(reply.open_dispute_ids);
  for (const id of Object.keys(disputes)) if (!open.has(id)) delete disputes[id];
  await storage.put("kv", households, "households");
  await storage.put("kv", disputes, "disputes");
  await storage.put("kv", reply.follow_ups, "followUps");
  await storage.put("kv", reply.cursor, "cursor");
}

// The cell's boundary for the map, and the tile settings; fetched while online, kept for offline.
export async function refreshMapData(user) {
  const config = await fetch("/app/config.json").then((r) => r.json());
  await storage.put("kv", config, "config");
  if (user.role === "grid_worker") {
    const response = await fetch(`/api/grid/units/${encodeURIComponent(user.unit_code)}`, { credentials: "same-origin" });
    if (response.ok) await storage.put("kv", await response.json(), "cellShape");
  }
}

// A household's recent visits: fetched when online, the last copy otherwise.
export async function visits(code) {
  const key = `visits:${code}`;
  if (navigator.onLine) {
    try {
      const response = await fetch(`/api/households/${encodeURIComponent(code)}/visits?page_size=10`,
                                   { credentials: "same-origin" });
      if (response.ok) await storage.put("kv", (await response.json()).items, key);
    } catch (error) { /* offline after all: use the copy */ }
  }
  return storage.get("kv", key);
}

export async function households() {
  return Object.values((await storage.get("kv", "households")) || {});
}

export async function household(code) {
  return ((await storage.get("kv", "households")) || {})[code];
}

// Days since the last visit, counting visits still waiting in the outbox.
export function daysSince(household, outboxItems, now = Date.now()) {
  const times = outboxItems.filter((i) => i.type === "visit" && i.data.household_code === household.code)
    .map((i) => Date.parse(i.data.visited_at));
  if (household.last_visit_at) times.push(Date.parse(household.last_visit_at));
  if (!times.length) return null;
  return Math.floor((now - Math.max(...times)) / 86400000);
}
