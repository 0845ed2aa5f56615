// My tasks: follow-ups that are due, and open disputes with their deadline colours.
import * as storage from "./storage.js";
import { t } from "./i18n.js";
import { esc } from "./html.js";

const COLOUR_ORDER = { red: 0, yellow: 1, green: 2 };

export async function show(root) {
  const followUps = ((await storage.get("kv", "followUps")) || [])
    .sort((a, b) => a.follow_up_on.localeCompare(b.follow_up_on));
  const disputes = Object.values((await storage.get("kv", "disputes")) || {})
    .sort((a, b) => (COLOUR_ORDER[a.deadline] ?? 3) - (COLOUR_ORDER[b.deadline] ?? 3));
  const today = new Date().toISOString().slice(0, 10);
  root.innerHTML = `<section class="card"><h2>${t("follow_ups")}</h2><ul class="list">${followUps.map((f) => `
      <li><a href="#/household/${esc(f.household_code)}"><strong>${esc(f.follow_up_on)}</strong>
        ${f.follow_up_on < today ? `<span class="badge late">${t("overdue")}</span>` : ""}
        <span class="muted">${esc(f.findings)}</span></a></li>`).join("") || `<li class="muted">${t("none")}</li>`}</ul></section>
    <section class="card"><h2>${t("my_disputes")}</h2><ul class="list">${disputes.map((d) => `
      <li class="deadline-${esc(d.deadline)}"><strong>${esc(d.title)}</strong>
        <span class="badge ${d.deadline === "red" ? "late" : ""}">${t("deadline_" + (d.deadline || "none"))}
        ${d.due_at ? " · " + t("due") + " " + esc(d.due_at.slice(0, 10)) : ""}</span>
        <span class="muted">${esc(t("states")[d.state] || d.state)}</span></li>`).join("") || `<li class="muted">${t("none")}</li>`}
    </ul></section>`;
}
