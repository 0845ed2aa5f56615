// Signing in and out for a desktop view: the header (who, the pages of this role, language, sign-out) and the login
// form. Signing in from `/` (?then=home) goes on to the user's own page; phone users are sent to the phone app.
import * as api from "/app/js/api.js";
import { esc } from "/app/js/html.js";
import { t, toggleLanguage } from "/app/js/i18n.js";
import { markDrawn } from "./drawn.js";
import "./desk-messages.js";
import "./messages.js";
import "./register-messages.js";

/**
 * Runs a view: shows the login form while nobody is signed in, then render(main, user).
 * The page has <header> with #title, #who, #language, #logout, and <main id="view">.
 */
export async function startView(titleKey, render) {
  const main = document.getElementById("view");
  let user = null;
  const show = async () => {
    document.title = `${t(titleKey)} · ${t("app")}`;
    document.getElementById("title").textContent = t(titleKey);
    document.getElementById("language").textContent = t("language");
    document.getElementById("logout").textContent = t("logout");
    document.getElementById("logout").hidden = !user;
    document.getElementById("who").textContent = user ? `${t("signed_in_as")}: ${user.display_name}（${user.unit_name}）` : "";
    if (!user) return loginForm(main, (signedIn) => { user = signedIn; goHome(user) || show(); });
    if (user.must_change_password) {
      document.getElementById("who").textContent = "";
      return passwordForm(main, async () => { user = await api.me(); goHome(user, { always: true }) || show(); });
    }
    if (user.home === PHONE_HOME) return location.replace(PHONE_HOME);
    inboxAnswer = null;
    drawNav(user);
    try {
      await render(main, user);
    } catch (error) {
      if (error.status === 401) { user = null; return show(); }
      showError(main, error);
    }
    refreshNav();  // the navigation's counts once the page is drawn: its own requests go first
    refreshUnread();
  };
  document.getElementById("language").addEventListener("click", () => { toggleLanguage(); show(); });
  window.addEventListener("view-redraw", () => show());
  document.getElementById("logout").addEventListener("click", async () => {
    await api.logout().catch(() => {});
    user = null;
    show();
  });
  try {
    user = await api.me();
  } catch (error) {
    if (error.status !== 401) return showError(main, error);
  }
  return show();
}

const PHONE_HOME = "/app/";
// The pages of the desk, and who works from each (the API's policy decides what each may read there).
const PAGES = [
  { key: "nav_desk", href: "/views/desk", roles: ["village_head", "town_secretary", "county_staff"] },
  { key: "nav_town", href: "/views/town", roles: ["village_head", "town_secretary", "county_staff", "admin"] },
  { key: "nav_county", href: "/views/county", roles: ["county_staff", "admin"] },
  { key: "nav_petitions", href: "/views/petitions", roles: ["town_secretary", "county_staff"] },
  { key: "nav_register", href: "/views/register", roles: ["village_head", "town_secretary", "county_staff"] },
  { key: "nav_activity", href: "/views/activity", roles: ["village_head", "town_secretary", "county_staff", "admin"] },
  { key: "nav_admin", href: "/views/admin", roles: ["admin"] },
  { key: "nav_messages", href: "/views/messages", roles: ["village_head", "town_secretary", "county_staff", "admin"] },
];
const COUNTS = { "/views/desk": "nav-todo", "/views/messages": "nav-unread" };  // the navigation's counts

/** Signed in from `/` (or `always`): on to the user's own page (true when leaving this one). */
function goHome(user, { always = false } = {}) {
  if ((!always && new URLSearchParams(location.search).get("then") !== "home") || !user.home) return false;
  if (user.must_change_password) return false;  // the password form comes first, then home
  if (user.home === location.pathname) {
    history.replaceState(null, "", location.pathname + location.hash);
    return false;
  }
  location.replace(user.home);
  return true;
}

function drawNav(user) {
  const nav = document.getElementById("views-nav");
  if (!nav) return;
  nav.innerHTML = PAGES.filter((page) => page.roles.includes(user.role)).map((page) =>
    `<a href="${page.href}" data-page="${page.href}" ${location.pathname === page.href ? 'aria-current="page"' : ""}>
      ${esc(t(page.key))}${COUNTS[page.href] ? ` <span class="count" id="${COUNTS[page.href]}"></span>` : ""}</a>`).join("");
}

// The 待办 inbox as the server answered it for this drawing of the page: the header's count and the desk's boxes
// share one request.
let inboxAnswer = null;
export const inbox = () => (inboxAnswer ??= api.get("/api/disputes/inbox"));

/** The count of what waits in the user's 待办 on the navigation; `fresh`: asked again (after the user acted). */
export async function refreshNav({ fresh = false } = {}) {
  const badge = document.getElementById("nav-todo");
  if (!badge) return;
  if (fresh) inboxAnswer = null;
  try {
    const { waiting } = await inbox();
    badge.textContent = waiting ? String(waiting) : "";
    markDrawn(badge);
  } catch (error) {
    if (error.status !== 401) console.error(error);
  }
}

/** How many of the user's messages are unread, on the navigation. */
export async function refreshUnread() {
  const badge = document.getElementById("nav-unread");
  if (!badge) return;
  try {
    const { unread } = await api.get("/api/notifications?unread=true&page_size=1");
    badge.textContent = unread ? String(unread) : "";
    markDrawn(badge);
  } catch (error) {
    if (error.status !== 401) console.error(error);
  }
}

export function showError(element, error) {
  console.error(error);
  const message = `<p class="error" role="alert">${esc(t("view_error"))}: ${esc(error.message)}</p>`;
  element.insertAdjacentHTML("afterbegin", message);
}

/** A new or reset password (or the demo's, outside the demo) is changed before anything else. */
function passwordForm(main, onChanged) {
  main.innerHTML = `<form id="password-change" class="card login">
    <h1>${esc(t("pw_title"))}</h1><p>${esc(t("pw_why"))}</p>
    <label>${esc(t("pw_current"))}<input name="current_password" type="password" autocomplete="current-password" required></label>
    <label>${esc(t("pw_new"))}<input name="new_password" type="password" autocomplete="new-password" minlength="8" required></label>
    <label>${esc(t("pw_again"))}<input name="again" type="password" autocomplete="new-password" required></label>
    <p class="error" id="password-error" role="alert"></p>
    <button type="submit">${esc(t("pw_submit"))}</button></form>`;
  main.querySelector("#password-change").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const error = main.querySelector("#password-error");
    if (form.get("new_password") !== form.get("again")) return (error.textContent = t("pw_mismatch"));
    try {
      await api.post("/api/auth/password", { current_password: form.get("current_password"),
                                             new_password: form.get("new_password") });
      onChanged();
    } catch (failed) {
      const fields = failed.body?.errors?.json || {};
      error.textContent = [failed.message, ...Object.values(fields).flat()].join(" ");
    }
  });
}

function loginForm(main, onSignedIn) {
  main.innerHTML = `<form id="login" class="card login">
    <h1>${esc(t("app"))}</h1>
    <label>${esc(t("username"))}<input name="username" autocomplete="username" required></label>
    <label>${esc(t("password"))}<input name="password" type="password" autocomplete="current-password" required></label>
    <p class="error" id="login-error" role="alert"></p>
    <button type="submit">${esc(t("login"))}</button></form>`;
  main.querySelector("#login").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    try {
      onSignedIn(await api.login(form.get("username"), form.get("password")));
    } catch (error) {
      main.querySelector("#login-error").textContent = `${t("login_failed")}: ${error.message}`;
    }
  });
}
