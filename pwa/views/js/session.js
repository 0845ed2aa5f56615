// Signing in and out for a desktop view: the header (who, language, sign-out) and the login form.
import * as api from "/app/js/api.js";
import { esc } from "/app/js/html.js";
import { t, toggleLanguage } from "/app/js/i18n.js";
import "./messages.js";

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
    if (!user) return loginForm(main, (signedIn) => { user = signedIn; show(); });
    try {
      await render(main, user);
    } catch (error) {
      if (error.status === 401) { user = null; return show(); }
      showError(main, error);
    }
  };
  document.getElementById("language").addEventListener("click", () => { toggleLanguage(); show(); });
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

export function showError(element, error) {
  console.error(error);
  const message = `<p class="error" role="alert">${esc(t("view_error"))}: ${esc(error.message)}</p>`;
  element.insertAdjacentHTML("afterbegin", message);
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
