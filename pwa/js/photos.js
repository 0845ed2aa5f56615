// Photos and documents taken on the phone (拍照取证): made smaller here (a phone photo of 4 MB becomes ~300 KB, which
// a weak signal can carry), kept in IndexedDB beside the item that names them until the server has both, and shown
// as thumbnails. The server reads when and where a photo was taken from its EXIF; a canvas drops EXIF, so the
// original's EXIF block is carried into the smaller JPEG (with its orientation reset: the canvas drew it upright).
import * as storage from "./storage.js";
import { newId } from "./ids.js";

export const MAX_PER_ITEM = 10;   // the server takes at most 10 attachments on an item
const LONGEST_SIDE = 1600;
const QUALITY = 0.8;
const THUMB_SIDE = 160;

// A file as the phone keeps it: {id, blob, type, name, thumb (a data: URL), uploaded, refused}
export async function keep(file) {
  const small = await smaller(file);
  const record = { id: newId(), blob: small, type: small.type || file.type || "application/octet-stream",
                   name: file.name || "", thumb: await thumbnail(small), uploaded: false, refused: null,
                   keptAt: new Date().toISOString() };
  await storage.put("files", record);  // a full quota throws here: the caller says so, the form stays as it is
  return record;
}

export const get = (id) => storage.get("files", id);
export const forget = (id) => storage.remove("files", id);

// The item's attachments: refused uploads left out (the item is resent without them), in the order taken.
export async function withoutRefused(data) {
  if (!data.attachments || !data.attachments.length) return data;
  const kept = [];
  for (const id of data.attachments) if (!(await get(id))?.refused) kept.push(id);
  return { ...data, attachments: kept };
}

// Once the server holds an item, its photos' blobs go (the thumbnails stay, to show offline).
export async function settled(ids) {
  for (const id of ids || []) {
    const record = await get(id);
    if (record && record.blob) await storage.put("files", { ...record, blob: null, uploaded: true });
  }
}

async function smaller(file) {
  if (!file.type.startsWith("image/") || file.type === "image/gif") return file;  // a PDF goes as it is
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch {
    return file;  // a HEIC the browser cannot decode: the server converts it
  }
  const scale = Math.min(1, LONGEST_SIDE / Math.max(bitmap.width, bitmap.height));
  if (scale === 1 && file.type === "image/jpeg" && file.size < 600 * 1024) return file;  // already small
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  const jpeg = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", QUALITY));
  if (!jpeg) return file;
  const exif = file.type === "image/jpeg" ? exifSegment(new Uint8Array(await file.arrayBuffer())) : null;
  if (!exif) return jpeg;
  const body = new Uint8Array(await jpeg.arrayBuffer());
  return new Blob([body.slice(0, 2), exif, body.slice(2)], { type: "image/jpeg" });  // after the SOI marker
}

async function thumbnail(blob) {
  if (!blob.type.startsWith("image/")) return null;
  try {
    const bitmap = await createImageBitmap(blob, { imageOrientation: "from-image" });
    const scale = Math.min(1, THUMB_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    return canvas.toDataURL("image/jpeg", 0.7);
  } catch {
    return null;
  }
}

// The APP1 "Exif" segment of a JPEG (marker, length and body), with the orientation tag set to 1; null if none.
// Ours, not a library's: it is two dozen lines of walking markers, and the npm EXIF writers are unmaintained.
export function exifSegment(bytes) {
  let at = 2;
  while (at + 4 <= bytes.length && bytes[at] === 0xff) {
    const marker = bytes[at + 1];
    const length = (bytes[at + 2] << 8) | bytes[at + 3];
    if (marker === 0xda) return null;  // the image data begins: no EXIF before it
    if (marker === 0xe1 && String.fromCharCode(...bytes.slice(at + 4, at + 8)) === "Exif") {
      const segment = bytes.slice(at, at + 2 + length);
      uprightOrientation(segment, 10);  // the TIFF header follows "Exif\0\0"
      return segment;
    }
    at += 2 + length;
  }
  return null;
}

function uprightOrientation(segment, tiff) {
  const little = segment[tiff] === 0x49;
  const view = new DataView(segment.buffer, segment.byteOffset, segment.byteLength);
  const word = (offset) => view.getUint16(tiff + offset, little);
  const ifd0 = view.getUint32(tiff + 4, little);
  const entries = word(ifd0);
  for (let i = 0; i < entries; i++) {
    const entry = ifd0 + 2 + i * 12;
    if (tiff + entry + 12 > segment.length) return;
    if (word(entry) === 0x0112) view.setUint16(tiff + entry + 8, 1, little);
  }
}
