// The server's API: JSON in and out, the session cookie, and the CSRF token on every write.
// A 401 on any request but the sign-in itself means the session has ended (30 days, a password change,
// a sign-out elsewhere): the "session-ended" event tells the app, which asks the user to sign in again.
import { newId } from "./ids.js";
import { device } from "./storage.js";

export class ApiError extends Error {
  constructor(status, body) {
    super((body && (body.message_zh || body.message)) || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

// True when the request never reached the server (no network, server down): the caller keeps its data.
export const unreachable = (error) => !(error instanceof ApiError);

// `body` is sent as JSON, or as it is when it is a Blob (a file, with its own type) or a FormData (a multipart
// form, whose boundary the browser writes into the Content-Type itself).
async function request(method, path, body, { quiet = false, headers: extra = {} } = {}) {
  const headers = { Accept: "application/json", ...extra };
  const raw = body instanceof Blob || body instanceof FormData;
  if (body !== undefined && !(body instanceof FormData)) {
    headers["Content-Type"] = raw ? body.type || "application/octet-stream" : "application/json";
  }
  if (method !== "GET") headers["X-CSRF-Token"] = (await device.get("kv", "csrf")) || "";
  const response = await fetch(path, { method, headers, credentials: "same-origin",
                                       body: body === undefined || raw ? body : JSON.stringify(body) });
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    if (response.status === 401 && !quiet && path !== "/api/auth/login") {
      window.dispatchEvent(new CustomEvent("session-ended"));
    }
    throw new ApiError(response.status, data);
  }
  return data;
}

export async function login(username, password) {
  const session = await request("POST", "/api/auth/login", { username, password });
  await device.put("kv", session.csrf_token, "csrf");
  await device.remove("kv", SIGNED_OUT);  // someone signed in with a password: the phone may take their session
  return { ...session.user, home: session.home };
}

// Set when a user signs out on this device, cleared by the next sign-in with a password: until then the phone app
// never takes over a server session left open (an offline sign-out cannot end it).
export const SIGNED_OUT = "signed_out";

// The signed-in user, or an ApiError with status 401; keeps the CSRF token for later writes. `quiet`: a 401 is an
// answer (nobody is signed in), not the end of a session.
export async function me({ quiet = false } = {}) {
  const session = await request("GET", "/api/auth/me", undefined, { quiet });
  await device.put("kv", session.csrf_token, "csrf");
  return { ...session.user, home: session.home };
}

export const get = (path) => request("GET", path);
export const post = (path, body) => request("POST", path, body);
export const patch = (path, body) => request("PATCH", path, body);
export const put = (path, body) => request("PUT", path, body);
export const postForm = (path, formData) => request("POST", path, formData);

export async function logout() {
  try { await request("POST", "/api/auth/logout"); } finally { await device.remove("kv", "csrf"); }
}

// This phone's own UUID, made the first time it syncs and kept in the device's store (not a user's database): it
// survives sign-outs and is the same for everyone who signs in on a shared phone. Sent with every pull and push, so
// the office sees when each phone last synced (工作人员活跃度). A phone that cannot keep it (its storage full) syncs
// without it, as the apps before it did, and tries again next time.
const DEVICE_ID = "device_id";
let deviceId = null;
const thisDevice = () => (deviceId ??= (async () => {
  const kept = await device.get("kv", DEVICE_ID);
  if (kept) return kept;
  const made = newId();
  await device.put("kv", made, DEVICE_ID);
  return made;
})().catch(() => { deviceId = null; return null; }));
const fromDevice = async () => {
  const id = await thisDevice();
  return id ? { headers: { "X-Device-Id": id } } : {};
};

export const pull = async (since) =>
  request("GET", "/api/sync/pull" + (since ? `?since=${encodeURIComponent(since)}` : ""), undefined, await fromDevice());
export const push = async (items) => request("POST", "/api/sync/push", { items }, await fromDevice());
// A photo or document under the phone's own UUID: sent again after a drop, it is answered from the first upload.
export const upload = (id, blob) => request("POST", `/api/attachments?id=${encodeURIComponent(id)}`, blob);
