// Who uses the phone now. The device remembers the signed-in user ({user, ended}); each user's data lives
// in their own database (storage.js). Signing out, or another user signing in, closes the first user's
// database: an empty outbox takes their cached data with it; waiting items stay, with the cache cleared,
// until that user signs in again, and the sign-in screen says whose they are.
import * as api from "./api.js";
import * as storage from "./storage.js";

const SESSION = "session";
const WAITING = "waiting:";  // device key per user: {username, display_name, count}

export async function current() {
  const session = await storage.device.get("kv", SESSION);
  if (session) storage.useUser(session.user.id);
  return session || null;
}

export async function signIn(username, password) {
  return begin(await api.login(username, password));
}

/** Signed in on the server already (the desk's sign-in at `/` sends phone users here): carry on as that user. Not
 * after a sign-out on this phone, nor offline. */
export async function adopt() {
  if (!navigator.onLine || await storage.device.get("kv", api.SIGNED_OUT)) return null;
  try {
    return await begin(await api.me({ quiet: true }));
  } catch {
    return null;
  }
}

async function begin(user) {
  const before = await storage.device.get("kv", SESSION);
  if (before && before.user.id !== user.id) await leave(before.user);
  await storage.device.put("kv", { user, ended: false }, SESSION);
  storage.useUser(user.id);
  return user;
}

// Sign out here (and on the server, when it can be reached). Answers how many items stay waiting.
export async function signOut() {
  const session = await storage.device.get("kv", SESSION);
  await storage.device.put("kv", true, api.SIGNED_OUT);
  await api.logout().catch(() => {});  // offline: the server's session ends at its own time
  if (!session) return 0;
  await storage.device.remove("kv", SESSION);
  return leave(session.user);
}

// The server said the session is over: keep everything, and ask this user to sign in again.
export async function markEnded() {
  const session = await storage.device.get("kv", SESSION);
  if (session && !session.ended) await storage.device.put("kv", { ...session, ended: true }, SESSION);
}

async function leave(user) {
  storage.useUser(user.id);
  const waiting = (await storage.all("outbox")).length;
  if (waiting) {
    await storage.clear("kv");  // the area's copy goes; the outbox stays for this user's next sign-in
    storage.useUser(null);
  } else {
    await storage.dropUser(user.id);
  }
  await noteWaiting(user, waiting);
  return waiting;
}

export async function noteWaiting(user, count) {
  if (count) await storage.device.put("kv", { username: user.username, display_name: user.display_name, count }, WAITING + user.id);
  else await storage.device.remove("kv", WAITING + user.id);
}

// Users of this phone, other than `userId`, who have items waiting for them to sign in.
export async function othersWaiting(userId) {
  const keys = (await storage.device.keys("kv")).filter((k) => typeof k === "string" && k.startsWith(WAITING)
                                                               && k !== WAITING + userId);
  return Promise.all(keys.map((k) => storage.device.get("kv", k)));
}

// The app before per-user databases kept one outbox for everyone: its items belong to the user it had
// signed in, and move into that user's database (who is signed in again, if their session still holds).
export async function adoptLegacy() {
  const legacy = await storage.takeLegacy();
  if (!legacy || (!legacy.user && legacy.outbox.length)) return;  // items of nobody known: left where they are
  if (legacy.user) {
    storage.useUser(legacy.user.id);
    for (const item of legacy.outbox) await storage.put("outbox", item);
    await noteWaiting(legacy.user, legacy.outbox.length);
    if (!(await storage.device.get("kv", SESSION))) {
      await storage.device.put("kv", { user: legacy.user, ended: false }, SESSION);
      if (legacy.csrf) await storage.device.put("kv", legacy.csrf, "csrf");
    } else {
      storage.useUser(null);
    }
  }
  await storage.dropLegacy();
}
