// The admin console (/views/admin, 系统管理): #users, #register, #links, #settings, #deliveries, #audit, each a module of
// its own; grid boundaries and partitions are on their own page (/views/admin-grid). Others are refused (the API
// answers them 403).
import { esc } from "/app/js/html.js";
import { t } from "/app/js/i18n.js";
import "./admin-messages.js";
import { showAudit } from "./admin-audit.js";
import { showDeliveries } from "./admin-deliveries.js";
import { showLinks } from "./admin-links.js";
import { showRegisterImport } from "./admin-register.js";
import { showSettings } from "./admin-settings.js";
import { showUsers } from "./admin-users.js";
import { startView } from "./session.js";

// in the order a county is set up: the register before the cadre links that name its households
const SECTIONS = { users: showUsers, register: showRegisterImport, links: showLinks, settings: showSettings,
                   deliveries: showDeliveries, audit: showAudit };

async function render(main, user) {
  if (user.role !== "admin") {
    main.innerHTML = `<p class="error" id="admin-only" role="alert">${esc(t("adm_only"))} ${esc(t("adm_only_en"))}</p>`;
    return;
  }
  const hash = location.hash || "#users";
  const [path, search] = hash.slice(1).split("?");
  const section = SECTIONS[path] ? path : "users";
  main.innerHTML = `<nav class="toolbar admin-sections" aria-label="${esc(t("admin"))}">${Object.keys(SECTIONS).map((key) =>
    `<a href="#${key}" id="section-${key}" ${key === section ? 'aria-current="page"' : ""}>${esc(t(`adm_${key}`))}</a>`).join("")}
    <a href="/views/admin-grid" id="section-grid">${esc(t("adm_grid"))}</a></nav>
    <p id="said" role="status"></p><div id="admin-body">${esc(t("loading"))}</div>`;
  const shown = () => (location.hash || "#users") === hash;
  await SECTIONS[section](main.querySelector("#admin-body"), new URLSearchParams(search || ""), { main, shown });
}

window.addEventListener("hashchange", () => window.dispatchEvent(new CustomEvent("view-redraw")));
startView("admin", render);
