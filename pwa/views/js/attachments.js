// Evidence on the desk: a record's photos as thumbnails (each opens the full photo in a new tab) and its PDFs as
// downloads, and a file input whose files are uploaded raw to POST /api/attachments before the record that names
// them is sent. An attachment the user may not see answers 404: its thumbnail is hidden, never shown broken.
import * as api from "/app/js/api.js";
import { esc } from "/app/js/html.js";
import { addMessages, t } from "/app/js/i18n.js";
import { newId } from "/app/js/ids.js";

addMessages({
  zh: { att_photo: "照片", att_document: "文件（PDF）", att_files: "附件（照片或 PDF）", att_uploading: "正在上传附件…",
        att_failed: "附件上传失败", visits_title: "走访记录", visits_none: "暂无走访记录" },
  en: { att_photo: "Photo", att_document: "Document (PDF)", att_files: "Attachments (photos or PDF)",
        att_uploading: "Uploading the attachments…", att_failed: "The attachment could not be uploaded",
        visits_title: "Visits", visits_none: "No visits yet" },
});

const MAX_FILES = 10;  // the server takes at most 10 attachments a record

/** The attachments of a record (the short form the API answers), or "" when it has none. */
export function attachmentList(list = []) {
  if (!list.length) return "";
  return `<span class="attachments">${list.map((a) => a.thumbnail_url
    ? `<a class="attachment attachment-photo" href="${esc(a.url)}" target="_blank" rel="noopener" data-id="${esc(a.id)}"
        title="${esc(t("att_photo"))}"><img class="attachment-thumb" src="${esc(a.thumbnail_url)}" alt="${esc(t("att_photo"))}"
        loading="lazy" width="96"></a>`
    : `<a class="attachment attachment-document" href="${esc(a.url)}" target="_blank" rel="noopener" data-id="${esc(a.id)}"
        download>${esc(t("att_document"))}</a>`).join("")}</span>`;
}

/** Hide the thumbnails under root that fail to load (not found, or not the user's to see). */
export function hideBroken(root) {
  root.querySelectorAll("img.attachment-thumb").forEach((img) => {
    const hide = () => { img.closest("a").hidden = true; };
    if (img.complete && img.naturalWidth === 0) hide();
    else img.addEventListener("error", hide, { once: true });
  });
}

/** The form field that picks files to attach. */
export function fileField(name = "attachments") {
  return `<div class="form-field"><label for="field-${name}">${esc(t("att_files"))}</label>
    <input type="file" id="field-${name}" name="${name}" accept="image/*,application/pdf" multiple>
    <span class="field-error" data-for="${name}" role="alert"></span></div>`;
}

/** Upload the input's files one by one, raw with their type; resolves to their ids (an error names the file). */
export async function uploadFiles(input) {
  const files = [...(input?.files || [])].slice(0, MAX_FILES);
  const ids = [];
  for (const file of files) {
    const id = newId();
    try {
      await api.upload(id, file);
    } catch (error) {
      if (!(error instanceof api.ApiError)) throw error;
      throw new Error(`${file.name}：${error.message}`);
    }
    ids.push(id);
  }
  return ids;
}
