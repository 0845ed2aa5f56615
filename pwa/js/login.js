// Signing in: the first time online; again when the session has ended (the user's waiting items are pushed
// as soon as they are back). Says whose items wait on this phone for another user.
import * as data from "./data.js";
import * as session from "./session.js";
import { esc } from "./html.js";
import { t, toggleLanguage } from "./i18n.js";

export async function show(root, go, { ended = null, kept = 0 } = {}) {
  const others = await session.othersWaiting(ended ? ended.id : null);
  root.innerHTML = `<form id="login" class="card">
    <h1>${t("app")}</h1>
    ${ended ? `<p class="error" id="session-ended" role="alert">${t("session_ended", { name: ended.display_name })}</p>` : ""}
    ${kept ? `<p class="warn" id="kept-note">${t("signed_out_kept", { n: kept })}</p>` : ""}
    <label>${t("username")}<input name="username" autocomplete="username" required value="${esc(ended ? ended.username : "")}"></label>
    <label>${t("password")}<input name="password" type="password" autocomplete="current-password" required></label>
    <p class="error" id="login-error" role="alert"></p>
    <button type="submit">${t("login")}</button>
    ${others.length ? `<ul class="list" id="others-waiting">${others.map((o) =>
      `<li>${esc(t("others_waiting", { name: o.display_name, username: o.username, n: o.count }))}</li>`).join("")}</ul>` : ""}
    <button type="button" id="language" class="secondary">${t("language")}</button></form>`;
  root.querySelector("#language").addEventListener("click", () => { toggleLanguage(); show(root, go, { ended, kept }); });
  performance.mark("wangge:sign-in");  // the browser benchmark (tools/bench/phone.py): opening the app → this form
  root.querySelector("#login").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const button = event.target.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const user = await session.signIn(form.get("username"), form.get("password"));
      // a new or reset password is changed first, on the desk's sign-in, which then sends the user back here
      if (user.must_change_password) return location.assign("/views/desk?then=home");
      await enter(user, go);
    } catch (error) {
      button.disabled = false;
      root.querySelector("#login-error").textContent = navigator.onLine ? `${t("login_failed")}: ${error.message}`
        : t("need_online_login");
    }
  });
}

/** Signed in: fetch the user's data and open their households as soon as the pull is kept. The map's data (the
 * cell's outline, the tiles) does not hold the list up: a grid worker's comes beside the pull, a cadre's (the cells
 * of the households pulled) after it; the next sync fetches it again if it failed. */
export async function enter(user, go) {
  window.dispatchEvent(new CustomEvent("signed-in", { detail: user }));
  const worker = user.role === "grid_worker";
  if (worker) data.refreshMapData(user).catch(mapMissing);
  await data.refresh();
  go("#/households");
  if (!worker) data.refreshMapData(user).catch(mapMissing);
}

const mapMissing = (error) => console.warn("the map's data is not on the phone yet", error);
