// Me: who is signed in on this phone, the language, which messages also come by SMS (online), and signing out
// (what still waits stays for me).
import * as outbox from "./outbox.js";
import { showMessageSettings } from "./message-settings.js";
import * as session from "./session.js";
import { esc } from "./html.js";
import { t, toggleLanguage } from "./i18n.js";

export async function show(root, go, user) {
  const waiting = (await outbox.items()).length;
  root.innerHTML = `<section class="card" id="me"><h2>${esc(user.display_name)}</h2>
      <p>${esc(t("roles")[user.role] || user.role)} · ${esc(user.unit_name)}</p><p class="muted">${esc(user.username)}</p>
      <button type="button" id="language" class="secondary">${t("language")}</button></section>
    <section class="card" id="message-settings-card">${navigator.onLine ? "" : `<p class="muted">${t("offline")}</p>`}</section>
    <section class="card"><h2>${t("logout")}</h2>
      <p class="muted" id="logout-note">${waiting ? t("logout_keeps", { n: waiting }) : t("logout_clears")}</p>
      <button type="button" id="logout">${t("logout")}</button></section>`;
  root.querySelector("#language").addEventListener("click", () => { toggleLanguage(); go("#/me"); });
  if (navigator.onLine) showMessageSettings(root.querySelector("#message-settings-card"));
  root.querySelector("#logout").addEventListener("click", async () => {
    const kept = await session.signOut();
    go(kept ? `#/login/kept/${kept}` : "#/login");
  });
}
