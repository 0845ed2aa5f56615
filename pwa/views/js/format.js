// Numbers, percentages and China days (UTC+8) as the views show them and the API expects them.
const CHINA_DAY = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit",
                                                     day: "2-digit" });
const CHINA_MINUTE = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit",
                                                        day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

export const percent = (rate) => (rate === null || rate === undefined ? "—" : `${(rate * 100).toFixed(1)}%`);
export const count = (n) => (n === null || n === undefined ? "—" : Number(n).toLocaleString("zh-CN"));

/** YYYY-MM-DD of an instant (ISO string or Date), in China. */
export const chinaDay = (instant) => (instant ? CHINA_DAY.format(new Date(instant)) : "—");

/** YYYY-MM-DD HH:MM of an instant in China, as the exports write it. */
export function chinaTime(instant) {
  if (!instant) return "—";
  const part = Object.fromEntries(CHINA_MINUTE.formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}`;
}

/** A YYYY-MM-DD date moved by a number of days. */
export function addDays(day, days) {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** The month (YYYY-MM) as the API's period: first day and the day after the last. */
export function monthPeriod(month) {
  return { start: `${month}-01`, end: `${addMonths(month, 1)}-01` };
}

/** A YYYY-MM month moved by a number of months. */
export function addMonths(month, months) {
  const [year, m] = month.split("-").map(Number);
  const index = year * 12 + (m - 1) + months;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
}

/** The running month (YYYY-MM) in China: its figures are not complete until it ends. */
export const thisMonth = () => chinaDay(new Date()).slice(0, 7);
/** The last month that has ended, in China: what the county view opens on. */
export const lastCompleteMonth = () => addMonths(thisMonth(), -1);
/** Today, YYYY-MM-DD in China. */
export const today = () => chinaDay(new Date());

/** A query string from an object, leaving out empty values. */
export function query(params) {
  const pairs = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== "" && v !== false);
  return new URLSearchParams(pairs.map(([k, v]) => [k, String(v)])).toString();
}
