// The server's API: JSON in and out, the session cookie, and the CSRF token on every write.
import * as storage from "./storage.js";

export class ApiError extends Error {
  constructor(status, body) {
    super((body && (body.message_zh || body.message)) || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

async function request(method, path, body) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET") headers["X-CSRF-Token"] = (await storage.get("kv", "csrf")) || "";
  const response = await fetch(path, { method, headers, credentials: "same-origin",
                                       body: body === undefined ? undefined : JSON.stringify(body) });
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

export async function login(username, password) {
  const session = await request("POST", "/api/auth/login", { username, password });
  await storage.put("kv", session.csrf_token, "csrf");
  await storage.put("kv", session.user, "user");
  return session.user;
}

// The signed-in user, or an ApiError with status 401; keeps the CSRF token for later writes.
export async function me() {
  const session = await request("GET", "/api/auth/me");
  await storage.put("kv", session.csrf_token, "csrf");
  await storage.put("kv", session.user, "user");
  return session.user;
}

export const get = (path) => request("GET", path);
export const post = (path, body) => request("POST", path, body);

export async function logout() {
  try { await request("POST", "/api/auth/logout"); } finally { await storage.remove("kv", "user"); }
}

export const pull = (since) => request("GET", "/api/sync/pull" + (since ? `?since=${encodeURIComponent(since)}` : ""));
export const push = (items) => request("POST", "/api/sync/push", { items });
