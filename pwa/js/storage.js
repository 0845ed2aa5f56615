// The one module that touches IndexedDB. Two kinds of database:
//  - the device's ("wangge-device"): who is signed in, the CSRF token, and how many items each user of this
//    phone still has waiting (so the sign-in screen can say so);
//  - one per user ("wangge-user-<id>"): their copy of their area, their outbox and its photos. Users who share a phone
//    never read each other's data, and a user's un-synced items stay in their own database until they sign
//    in again: nothing is ever pushed under someone else's session.
const DEVICE = "wangge-device";
const LEGACY = "wangge";  // one database for everyone, before per-user databases (kept items are moved)
const opened = new Map();
let userName = null;

// Version 2 adds "files": photos and documents waiting to be uploaded (with the items naming them), kept as blobs.
const VERSION = 2;

function open(name) {
  if (!opened.has(name)) {
    opened.set(name, new Promise((resolve, reject) => {
      const request = indexedDB.open(name, VERSION);
      request.onupgradeneeded = (event) => {
        const db = request.result;
        if (event.oldVersion < 1) {
          db.createObjectStore("kv");
          if (name !== DEVICE) db.createObjectStore("outbox", { keyPath: "id" });
        }
        if (event.oldVersion < 2 && name !== DEVICE) db.createObjectStore("files", { keyPath: "id" });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    }));
  }
  return opened.get(name);
}

async function run(name, store, mode, action) {
  const db = await open(name);
  return new Promise((resolve, reject) => {
    const tx = db.transaction(store, mode);
    const result = action(tx.objectStore(store));
    tx.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

function helpers(databaseName) {
  return {
    get: (store, key) => run(databaseName(), store, "readonly", (s) => s.get(key)),
    put: (store, value, key) => run(databaseName(), store, "readwrite", (s) => (key === undefined ? s.put(value) : s.put(value, key))),
    // several values by their keys ({key: value}) in one transaction: all kept, or none
    putAll: (store, values) => run(databaseName(), store, "readwrite", (s) => {
      for (const [key, value] of Object.entries(values)) s.put(value, key);
    }),
    remove: (store, key) => run(databaseName(), store, "readwrite", (s) => s.delete(key)),
    all: (store) => run(databaseName(), store, "readonly", (s) => s.getAll()),
    clear: (store) => run(databaseName(), store, "readwrite", (s) => s.clear()),
    keys: (store) => run(databaseName(), store, "readonly", (s) => s.getAllKeys()),
  };
}

export const userDatabase = (userId) => `wangge-user-${userId}`;

// The device's own store (always "kv").
export const device = helpers(() => DEVICE);

// The signed-in user's database: get/put/putAll/remove/all/clear on "kv", "outbox" or "files".
const mine = helpers(() => {
  if (!userName) throw new Error("no user database is open");
  return userName;
});
export const { get, put, putAll, remove, all, clear } = mine;

export function useUser(userId) {
  userName = userId == null ? null : userDatabase(userId);
}

export const hasUser = () => userName !== null;

// Deletes a user's database (their cache and an empty outbox) when they sign out.
export async function dropUser(userId) {
  const name = userDatabase(userId);
  const db = opened.get(name);
  if (db) (await db).close();
  opened.delete(name);
  if (userName === name) userName = null;
  await new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = request.onerror = request.onblocked = () => resolve();
  });
}

// The database of the app before per-user databases: its user and outbox, so their waiting items are moved
// into that user's own database (and only then is it deleted). Null when there is none.
export async function takeLegacy() {
  if (indexedDB.databases) {
    const names = (await indexedDB.databases()).map((d) => d.name);
    if (!names.includes(LEGACY)) return null;
  }
  const db = await new Promise((resolve) => {
    const request = indexedDB.open(LEGACY);
    request.onupgradeneeded = () => { request.transaction.abort(); };  // it did not exist: create nothing
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => resolve(null);
  });
  if (!db) return null;
  if (!db.objectStoreNames.contains("kv") || !db.objectStoreNames.contains("outbox")) { db.close(); return null; }
  const read = (store, action) => new Promise((resolve, reject) => {
    const request = action(db.transaction(store, "readonly").objectStore(store));
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const found = { user: await read("kv", (s) => s.get("user")), csrf: await read("kv", (s) => s.get("csrf")),
                  outbox: await read("outbox", (s) => s.getAll()) };
  db.close();
  return found;
}

export function dropLegacy() {
  return new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(LEGACY);
    request.onsuccess = request.onerror = request.onblocked = () => resolve();
  });
}
