// The controller: routes between screens, keeps the network status and syncs when the network returns.
import * as data from "./data.js";
import * as outbox from "./outbox.js";
import * as storage from "./storage.js";
import * as views from "./views.js";
import * as map from "./map.js";
import * as tasks from "./tasks.js";
import { t, toggleLanguage } from "./i18n.js";

const root = document.getElementById("app");

function go(hash) {
  if (location.hash === hash) render(); else location.hash = hash;
}

async function render() {
  document.getElementById("nav-households").textContent = t("households");
  document.getElementById("nav-sync").textContent = t("sync");
  document.getElementById("nav-tasks").textContent = t("tasks");
  document.getElementById("nav-map").textContent = t("map");
  document.getElementById("language").textContent = t("language");
  const status = document.getElementById("status");
  status.textContent = navigator.onLine ? t("online") : t("offline");
  status.className = navigator.onLine ? "online" : "offline";
  const user = await storage.get("kv", "user");
  const [, screen, arg] = (location.hash || "#/households").split("/");
  if (!user) return views.login(root, go);
  if (screen === "household") return views.household(root, go, decodeURIComponent(arg));
  if (screen === "sync") return views.sync(root, go);
  if (screen === "tasks") return tasks.show(root);
  if (screen === "map") return map.show(root);
  return views.households(root, go);
}

async function syncNow() {
  if (!navigator.onLine || !(await storage.get("kv", "user"))) return;
  try {
    await outbox.sync();
    await data.refresh();
    await data.refreshMapData(await storage.get("kv", "user"));
  } catch (error) {
    console.warn("sync failed", error);
  }
  render();
}

window.addEventListener("hashchange", render);
window.addEventListener("online", syncNow);
window.addEventListener("offline", render);
document.getElementById("language").addEventListener("click", () => { toggleLanguage(); render(); });
setInterval(syncNow, 60000);
if ("serviceWorker" in navigator) navigator.serviceWorker.register("/app/sw.js", { scope: "/app/", type: "module" });
render().then(syncNow);
