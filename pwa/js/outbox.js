// The outbox: everything captured on the phone waits here, under its own UUID, until the server has
// answered it. Closing the app mid-sync loses nothing: an item leaves only when its answer is in.
// Rejected items stay with the server's reason until the user corrects and resends them (same UUID:
// the server takes the corrected content) or discards them on purpose. An item refused for what has not reached the
// server yet (the server marks the reason `retry`: its dispute from another phone, its household's registration still
// to be corrected) is sent again by itself with every sync for RETRY_FOR, then left to the user.
import * as storage from "./storage.js";
import * as api from "./api.js";
import * as session from "./session.js";
import * as photos from "./photos.js";
import { newId } from "./ids.js";


// `label` says what the item is about on the sync screen (a household's head, a dispute's title).
export async function add(type, data, label = "") {
  const item = { id: newId(), type, data, label, status: "waiting", queuedAt: new Date().toISOString() };
  await storage.put("outbox", item);
  await counted();
  return item;
}

export async function items() {
  const list = await storage.all("outbox");
  return list.sort((a, b) => a.queuedAt.localeCompare(b.queuedAt));
}

export const get = (id) => storage.get("outbox", id);

// A rejected item corrected by the user: it waits again, with the same UUID (and without the photos the server
// refused, which are dropped).
export async function correct(id, data) {
  const item = await storage.get("outbox", id);
  const kept = await photos.withoutRefused(data);
  for (const file of data.attachments || []) if (!kept.attachments.includes(file)) await photos.forget(file);
  await storage.put("outbox", { ...item, data: kept, status: "waiting", reason: null });
}

export async function discard(id) {
  const item = await storage.get("outbox", id);
  for (const file of (item && item.data.attachments) || []) await photos.forget(file);
  await storage.remove("outbox", id);
  await counted();
}

async function counted() {
  const now = await session.current();
  if (now) await session.noteWaiting(now.user, (await storage.all("outbox")).length);
}

const RETRY_FOR_MS = 3 * 86400000;

/** Whether a rejected item is still sent again by itself (see above). */
export const retrying = (item) => item.status === "rejected" && !!item.reason?.retry
  && Date.now() - new Date(item.rejectedAt || 0).getTime() < RETRY_FOR_MS;

let running = null;

// The photos of waiting items go first, one by one (a drop loses one file at most; the next sync sends it again under
// the same id). An item whose photo the server refuses is rejected here with the server's reason, naming the photo.
async function uploadFiles(waiting) {
  const ready = [];
  let rejected = 0;
  for (const item of waiting) {
    let refused = null;
    for (const [n, id] of (item.data.attachments || []).entries()) {
      const file = await photos.get(id);
      if (!file || file.uploaded) continue;
      try {
        await api.upload(id, file.blob);
        await storage.put("files", { ...file, uploaded: true });
      } catch (error) {
        if (api.unreachable(error) || error.status === 401) throw error;
        const body = error.body || {};
        await storage.put("files", { ...file, refused: body });
        refused = { ...body, errors: { [`attachments.${n}`]: [`${body.message || ""} / ${body.message_zh || ""}`] } };
      }
    }
    if (refused) {
      rejected += 1;
      await storage.put("outbox", { ...item, status: "rejected", reason: refused });
    } else ready.push(item);
  }
  return { ready, rejected };
}

// Push what is waiting, 500 at a time, after the photos they name. Accepted and duplicate items leave the outbox;
// rejected ones stay, with the server's reason. Answers {sent, accepted, rejected}; throws when the server cannot
// be reached (api.unreachable) or the session has ended (status 401): then nothing more has left the phone.
export function sync() {
  if (!running) {
    running = (async () => {
      const { ready: waiting, rejected } = await uploadFiles((await items())
        .filter((i) => i.status === "waiting" || retrying(i)));
      const outcome = { sent: rejected, accepted: 0, rejected };
      for (let start = 0; start < waiting.length; start += 500) {
        const batch = waiting.slice(start, start + 500);
        const reply = await api.push(batch.map(({ id, type, data }) => ({ id, type, data })));
        for (const result of reply.results) {
          const item = batch.find((i) => i.id === result.id);
          if (!item) continue;
          outcome.sent += 1;
          if (result.status === "rejected") {
            outcome.rejected += 1;
            // the first refusal's time, kept through the retries: they end RETRY_FOR after it
            const rejectedAt = (item.status === "rejected" && item.rejectedAt) || new Date().toISOString();
            await storage.put("outbox", { ...item, status: "rejected", reason: result.reason, rejectedAt });
          } else {
            outcome.accepted += 1;
            await storage.remove("outbox", item.id);
            await photos.settled(item.data.attachments);
          }
        }
      }
      await storage.put("kv", new Date().toISOString(), "lastSync");
      await counted();
      return outcome;
    })().finally(() => { running = null; });
  }
  return running;
}
