// The register on the phone: households registered here and changes made here wait in the outbox, and every
// screen reads the households with them applied (marked waiting), so the worker sees at once what they did,
// offline too. A household registered here has no code until the server answers: it is named by the UUID of
// its registration item (the server keeps it as client_id), which visits and changes may name it by.

// the ways a household is named: its code, or the UUID it was registered under
export const keyOf = (h) => h.code || h.client_id;
export const isOf = (h, data) => (data.household_code ? data.household_code === h.code
  : !!data.household_id && data.household_id === h.client_id);

// A registration waiting in the outbox, in the shape the server answers a household in.
export function pendingHousehold(item) {
  const d = item.data;
  const members = (d.members || []).map((m) => ({ ...m, id: null, joined_on: null, left_on: null }));
  return { ...d, code: null, client_id: item.id, version: 1, member_count: 1 + members.length, members,
           tags: d.tags || [], recent_visits: [], last_visit_at: null, pending: item.status, retired_at: null };
}

const CHANGE_ITEMS = (items) => items.filter((i) => i.type === "household_change" && i.data.change !== "move_decision");
export const changesOf = (h, items) => CHANGE_ITEMS(items).filter((i) => isOf(h, i.data));

// The version a new change of `h` is based on: the one pulled, and one more for each change still waiting
// (each change the server accepts raises it by one). A change refused as stale waits for the user instead.
export const nextVersion = (h, items) => h.version + changesOf(h, items).filter((i) => i.status === "waiting").length;

// The household with its waiting changes applied, in the order they were made.
export function withChanges(h, items) {
  const changes = changesOf(h, items);
  if (!changes.length) return h;
  const out = { ...h, members: (h.members || []).map((m) => ({ ...m })), waiting_changes: changes.length };
  for (const { data, status } of changes) APPLY[data.change](out, data, status);
  out.member_count = 1 + out.members.filter((m) => !m.left_on).length;
  return out;
}

const EDITABLE = ["head_name", "head_id_number", "address", "phone", "location", "tags"];
const APPLY = {
  edit: (h, d) => { for (const f of EDITABLE) if (f in d) h[f] = d[f]; },
  member_join: (h, d, status) => h.members.push({ id: null, name: d.name, relation: d.relation, sex: d.sex,
    birth_date: d.birth_date, id_number: d.id_number, joined_on: d.on, join_reason: d.reason, pending: status }),
  member_leave: (h, d, status) => {
    const m = h.members.find((x) => x.id === d.member_id);
    if (m) Object.assign(m, { left_on: d.on, leave_reason: d.reason, pending: status });
  },
  move: (h, d, status) => { h.pending_move = { to_cell_code: d.to_cell_code, to_cell_name: d.to_cell_code, state: "pending", pending: status }; },
  retire: (h, d, status) => { Object.assign(h, { retired_at: d.on, retire_reason: d.reason, retire_pending: status }); },
};

// The body of a change of `h`: it names the household, carries the version it is based on, and its fields.
export const change = (h, items, kind, fields) => ({
  change: kind, ...(h.code ? { household_code: h.code } : { household_id: h.client_id }),
  version: nextVersion(h, items), ...fields });

// GB 11643 (the resident ID number): 17 digits and a check digit; the server checks it too (and that the
// person is not already living in another household), this tells the worker at once, offline.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
export function idNumberProblem(value) {
  if (!value) return null;
  if (!/^\d{17}[\dX]$/.test(value)) return "id_format";
  const day = `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`;
  const parsed = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== day || day < "1900-01-01"
      || day > new Date().toISOString().slice(0, 10)) return "id_date";
  const sum = WEIGHTS.reduce((acc, w, i) => acc + w * Number(value[i]), 0);
  return "10X98765432"[sum % 11] === value[17] ? null : "id_check_digit";
}
export const mobileProblem = (value) => (!value || /^1[3-9]\d{9}$/.test(value) ? null : "mobile_format");
