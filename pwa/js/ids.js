// Ids made on the device (outbox items, photos, the desk's uploads): the server's key of idempotency.
// crypto.randomUUID exists only on https (and localhost) and in Chromium 92+: older WebViews and a county
// server on plain http get a version-4 UUID from getRandomValues, which every browser with IndexedDB has.
export function newId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
