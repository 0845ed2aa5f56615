// One dispute with its timeline, offline: the steps the server sent and those waiting in the outbox.
// The worker adds a note at any time and records the call-back (回访) of a resolved dispute.
import * as data from "./data.js";
import * as outbox from "./outbox.js";
import * as forms from "./forms.js";
import { redrawSaying, saveAndSync } from "./capture.js";
import { photoField, thumbnails } from "./photo-field.js";
import { esc } from "./html.js";
import { t } from "./i18n.js";

const when = (iso) => (iso ? new Date(iso).toLocaleString("zh-CN", { hour12: false }) : "");

export async function show(root, go, id, user) {
  const d = await data.dispute(id);
  if (!d) return go("#/tasks");
  const items = (await outbox.items()).filter((i) => i.type === "dispute_event" && i.data.dispute_id === id);
  const steps = [...(d.events || []).map((e) => ({ ...e, pending: null })),
                 ...items.map((i) => ({ kind: i.data.kind, note: i.data.note, occurred_at: i.data.occurred_at,
                                        actor: user.display_name, pending: i.status, attachments: i.data.attachments }))];
  const pictures = await Promise.all(steps.map((s) => thumbnails(s.attachments)));
  const calledBack = items.some((i) => i.data.kind === "call_back");
  const mayCallBack = user.role === "grid_worker" && d.state === "resolved" && !calledBack;
  root.innerHTML = `<a href="#/tasks" class="back">← ${t("back")}</a>
    <section class="card" id="dispute-detail"><h2>${esc(d.title)}</h2>
      <p><span class="tag">${esc(t("states")[d.state] || d.state)}</span>
        <span class="tag">${esc(t("levels")[d.level] || d.level)}</span>
        <span class="tag">${esc(t("categories")[d.category] || d.category)}</span>
        <span class="tag">${esc(t("risks")[d.risk_colour] || d.risk_colour)}</span></p>
      ${d.deadline ? `<p class="badge ${d.deadline === "red" ? "late" : ""}">${t("deadline_" + d.deadline)}${
        d.due_at ? " · " + t("due") + " " + esc(d.due_at.slice(0, 10)) : ""}</p>` : ""}
      <p>${esc(d.description)}</p>
      <p class="muted">${t("field_parties")}: ${esc((d.parties || []).map((p) => p.name).join("、") || "—")}</p></section>
    <section class="card"><h2>${t("timeline")}</h2><ol class="timeline" id="timeline">${steps.map((s, n) => `<li>
        <strong>${esc(t("steps")[s.kind] || s.kind)}</strong> <span class="muted">${esc(when(s.occurred_at))} ${esc(s.actor || "")}</span>
        ${s.pending ? `<span class="badge late">${t(s.pending === "rejected" ? "rejected_one" : "pending")}</span>` : ""}
        ${s.note ? `<span class="note">${esc(s.note)}</span>` : ""}${pictures[n]}</li>`).join("")}</ol></section>
    ${mayCallBack ? `<form class="card" id="call-back"><h2>${t("record_call_back")}</h2>${forms.fields("call_back", { satisfaction: "satisfied" })}
      <div class="step-photos"></div><button type="submit">${t("save")}</button><p class="ok" role="status"></p></form>` : ""}
    <form class="card" id="note"><h2>${t("add_note")}</h2>${forms.fields("dispute_event")}
      <div class="step-photos"></div><button type="submit">${t("save")}</button><p class="ok" role="status"></p></form>`;
  const step = (form, kind, spec, extra) => {
    if (!form) return;
    const evidence = photoField(form.querySelector(".step-photos"));
    form.addEventListener("submit", (event) => save(event, kind, spec, { ...extra, attachments: evidence.ids() }));
  };
  const save = async (event, kind, spec, extra) => {
    event.preventDefault();
    const fields = forms.read(event.target, spec);
    if (kind === "note" && !fields.note.trim() && !extra.attachments.length) return;  // a photo alone is a note too
    await saveAndSync("dispute_event", { dispute_id: id, kind, ...fields, occurred_at: new Date().toISOString(), ...extra },
                      d.title, event.target.querySelector(":scope > [role=status]"));
    // the timeline with the new step, as it now stands (the call-back form is gone once it is recorded)
    await redrawSaying(root, [`#${event.target.id} > [role=status]`, "#note > [role=status]"], () => show(root, go, id, user));
  };
  // The call-back moves the dispute on: it carries the version seen, so a change made meanwhile by someone
  // else is a conflict. Every step bumps the version, so my own steps still waiting count as seen.
  step(root.querySelector("#call-back"), "call_back", "call_back",
       { version: d.version + items.filter((i) => i.status === "waiting").length });
  step(root.querySelector("#note"), "note", "dispute_event", {});
}
