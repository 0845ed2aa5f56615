// The outbox: everything captured on the phone waits here, under its own UUID, until the server has
// answered it. Closing the app mid-sync loses nothing: an item leaves only when its answer is in.
import * as storage from "./storage.js";
import * as api from "./api.js";

export function newId() {
  return crypto.randomUUID();
}

export async function add(type, data) {
  const item = { id: newId(), type, data, status: "waiting", queuedAt: new Date().toISOString() };
  await storage.put("outbox", item);
  return item;
}

export async function items() {
  const list = await storage.all("outbox");
  return list.sort((a, b) => a.queuedAt.localeCompare(b.queuedAt));
}

let running = null;

// Push what is waiting, 500 at a time. Accepted and duplicate items leave the outbox; rejected ones
// stay, with the server's reason, for the user to see.
export function sync() {
  if (!running) {
    running = (async () => {
      const waiting = (await items()).filter((i) => i.status === "waiting");
      for (let start = 0; start < waiting.length; start += 500) {
        const batch = waiting.slice(start, start + 500);
        const reply = await api.push(batch.map(({ id, type, data }) => ({ id, type, data })));
        for (const result of reply.results) {
          const item = batch.find((i) => i.id === result.id);
          if (!item) continue;
          if (result.status === "rejected") {
            await storage.put("outbox", { ...item, status: "rejected", reason: result.reason });
          } else {
            await storage.remove("outbox", item.id);
          }
        }
      }
      await storage.put("kv", new Date().toISOString(), "lastSync");
    })().finally(() => { running = null; });
  }
  return running;
}
