// The controller: who is signed in, routes between screens, the network status, and syncing when the
// network returns, every minute, and right after signing in again (what waited goes first).
import * as data from "./data.js";
import * as outbox from "./outbox.js";
import * as session from "./session.js";
import * as login from "./login.js";
import * as households from "./households.js";
import * as household from "./household.js";
import * as householdForm from "./household-form.js";
import * as dispute from "./dispute.js";
import * as reportDispute from "./report-dispute.js";
import * as report from "./report.js";
import * as syncScreen from "./sync-screen.js";
import * as tasks from "./tasks.js";
import * as map from "./map.js";
import * as me from "./me.js";
import * as messages from "./messages.js";
import { t } from "./i18n.js";

const root = document.getElementById("app");
const NAV = { households: "nav_households", tasks: "nav_tasks", messages: "nav_messages", map: "nav_map", sync: "nav_sync",
              me: "nav_me" };

function go(hash) {
  if (location.hash === hash) render(); else location.hash = hash;
}

async function header(current, screen) {
  const signedIn = current && !current.ended;
  const count = signedIn ? (await outbox.items()).length : 0;  // read first: the header is then drawn at once
  const unread = signedIn ? await data.unreadMessages() : 0;
  for (const [name, key] of Object.entries(NAV)) {
    const link = document.getElementById(`nav-${name}`);
    link.hidden = !signedIn;
    link.classList.toggle("current", screen === name);
    link.textContent = t(key);
  }
  const badge = document.createElement("span");
  badge.className = "count";
  badge.id = "outbox-count";
  badge.textContent = count ? String(count) : "";
  document.getElementById("nav-sync").append(badge);
  const unreadBadge = document.createElement("span");
  unreadBadge.className = "count";
  unreadBadge.id = "unread-count";
  unreadBadge.textContent = unread ? String(unread) : "";
  document.getElementById("nav-messages").append(unreadBadge);
  const status = document.getElementById("status");
  status.textContent = navigator.onLine ? t("online") : t("offline");
  status.className = navigator.onLine ? "online" : "offline";
  const off = signedIn ? await data.clockOff() : 0;
  const warning = document.getElementById("clock-warning");
  warning.hidden = !off;
  warning.textContent = off ? t(off > 0 ? "clock_ahead" : "clock_behind", { n: Math.abs(off) }) : "";
}

// Draws run one after another, each to its end: a background sync and a session ending must not interleave
// their screens (the one asked for last is the one left showing).
let drawing = Promise.resolve();
function render() {
  drawing = drawing.then(draw, draw);
  return drawing;
}

async function draw() {
  const current = await session.current();
  const [, screen, arg, extra] = (location.hash || "#/households").split("/");
  await header(current, screen);
  if (!current) {
    const adopted = screen !== "login" && await session.adopt();  // signed in at `/` a moment ago
    if (adopted) return login.enter(adopted, go);
    return login.show(root, go, { kept: screen === "login" && arg === "kept" ? Number(extra) : 0 });
  }
  if (current.ended) return login.show(root, go, { ended: current.user });
  const user = current.user;
  if (screen === "login") return go("#/households");
  if (screen === "household") return household.show(root, go, decodeURIComponent(arg), user);
  if (screen === "household-edit") return householdForm.showEdit(root, go, decodeURIComponent(arg));
  if (screen === "register") return householdForm.showNew(root, go, user);
  if (screen === "dispute") return dispute.show(root, go, decodeURIComponent(arg), user);
  if (screen === "report") return report.show(root, go, user);
  if (screen === "report-dispute") return reportDispute.show(root, user);
  if (screen === "sync") return syncScreen.show(root);
  if (screen === "tasks") return tasks.show(root, user);
  if (screen === "map") return map.show(root, user);
  if (screen === "me") return me.show(root, go, user);
  if (screen === "messages") return messages.show(root, go);
  return households.show(root, user);
}

async function syncNow() {
  const current = await session.current();
  if (!navigator.onLine || !current || current.ended) return;
  try {
    await outbox.sync();
    await data.refresh();
    await data.refreshMapData(current.user);
  } catch (error) {
    console.warn("sync failed", error);
  }
  // redraw only screens without a form being filled in or an answer being shown; the header always
  const busy = root.querySelector("form") || [...root.querySelectorAll("[role=status]")].some((e) => e.textContent);
  if (busy) redrawHeader(); else render();
}

window.addEventListener("session-ended", async () => {
  await session.markEnded();
  render();
});
window.addEventListener("signed-in", () => { outbox.sync().catch(() => {}); });
window.addEventListener("hashchange", render);
window.addEventListener("online", syncNow);
const redrawHeader = async () => header(await session.current(), (location.hash || "#/households").split("/")[1]);
window.addEventListener("offline", redrawHeader);  // the screen stays as it is: a form may be half filled
setInterval(syncNow, 60000);

// The service worker keeps the shell for offline use. It is registered once the page has loaded: its precache (every
// file of the app, again) then does not share the network with the page's own modules, and on a new phone it is done
// while the user types, before the sign-in and the first pull. A classic worker: module service workers are missing
// from older Chromium WebViews (WeChat's X5/XWeb, vendor browsers), and without a service worker the app still works
// online.
const keepShell = () => navigator.serviceWorker.register("/app/sw.js", { scope: "/app/" }).catch((e) => console.warn(e));
if ("serviceWorker" in navigator) {
  if (document.readyState === "complete") keepShell(); else window.addEventListener("load", keepShell, { once: true });
}
session.adoptLegacy().catch((e) => console.warn("old data not moved", e)).then(render).then(syncNow);
