// The photos of a form (a visit, a dispute, a step): take one with the camera or pick from the gallery, see them
// as thumbnails, remove one before saving. Each is kept on the phone the moment it is taken; saving the form puts
// their ids on the item. And the thumbnails of what was attached, from the phone or, once uploaded, the server.
import * as photos from "./photos.js";
import { esc } from "./html.js";
import { t } from "./i18n.js";

const ACCEPT = "image/*,application/pdf";

export function photoField(element) {
  const kept = [];
  element.innerHTML = `<div class="photos"><span class="photos-label">${t("photos")}</span>
      <label class="button secondary photo-take">${t("take_photo")}<input type="file" accept="image/*" capture="environment" hidden></label>
      <label class="button secondary photo-pick">${t("pick_photo")}<input type="file" accept="${ACCEPT}" multiple hidden></label>
      <ul class="thumbs"></ul><p class="muted photo-state" role="status"></p></div>`;
  const state = element.querySelector(".photo-state");
  const draw = () => {
    element.querySelector(".thumbs").innerHTML = kept.map((f) => `<li data-id="${esc(f.id)}">${thumb(f)}
      <button type="button" class="remove-photo" aria-label="${t("remove_photo")}">×</button></li>`).join("");
    element.querySelectorAll(".remove-photo").forEach((b) => b.addEventListener("click", async () => {
      const id = b.closest("li").dataset.id;
      kept.splice(kept.findIndex((f) => f.id === id), 1);
      await photos.forget(id);
      draw();
    }));
  };
  const add = async (files) => {
    for (const file of files) {
      if (kept.length >= photos.MAX_PER_ITEM) { state.textContent = t("photos_max", { n: photos.MAX_PER_ITEM }); break; }
      state.textContent = t("photo_keeping");
      try {
        kept.push(await photos.keep(file));
        state.textContent = "";
      } catch (error) {
        state.className = "error photo-state";
        state.textContent = error && error.name === "QuotaExceededError" ? t("storage_full") : t("photo_failed", { reason: error.message });
        break;
      }
      draw();
    }
  };
  element.querySelectorAll("input[type=file]").forEach((input) => input.addEventListener("change", async () => {
    await add([...input.files]);
    input.value = "";
  }));
  return {
    ids: () => kept.map((f) => f.id),
    clear: () => { kept.length = 0; draw(); },
  };
}

// a server thumbnail that cannot load (offline, or no longer ours to see) is left out, not shown broken
document.addEventListener("error", (event) => {
  if (event.target.classList && event.target.classList.contains("server-thumb")) event.target.hidden = true;
}, true);

const thumb = (f) => (f.thumb ? `<img src="${f.thumb}" alt="${t("photo")}">` : `<span class="doc">${esc(f.name || t("document"))}</span>`);

// The thumbnails of an item's attachments: ids (waiting on the phone) or the server's short forms.
export async function thumbnails(attachments) {
  if (!attachments || !attachments.length) return "";
  const shown = [];
  for (const a of attachments) {
    const id = typeof a === "string" ? a : a.id;
    const local = await photos.get(id);
    if (local) shown.push(thumb(local));
    else if (a.thumbnail_url) shown.push(`<a href="${esc(a.url)}" target="_blank"><img class="server-thumb" src="${esc(a.thumbnail_url)}" alt="${t("photo")}"></a>`);
    else if (a.url) shown.push(`<a class="doc" href="${esc(a.url)}" target="_blank">${t("document")}</a>`);
  }
  return `<span class="thumbs">${shown.join("")}</span>`;
}
