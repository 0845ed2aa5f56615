// Numbers, percentages and China days (UTC+8) as the views show them and the API expects them.
const CHINA_DAY = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit",
                                                     day: "2-digit" });

export const percent = (rate) => (rate === null || rate === undefined ? "—" : `${(rate * 100).toFixed(1)}%`);
export const count = (n) => (n === null || n === undefined ? "—" : Number(n).toLocaleString("zh-CN"));

/** YYYY-MM-DD of an instant (ISO string or Date), in China. */
export const chinaDay = (instant) => (instant ? CHINA_DAY.format(new Date(instant)) : "—");

/** A YYYY-MM-DD date moved by a number of days. */
export function addDays(day, days) {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** The month (YYYY-MM) as the API's period: first day and the day after the last. */
export function monthPeriod(month) {
  const [year, m] = month.split("-").map(Number);
  const next = m === 12 ? `${year + 1}-01` : `${year}-${String(m + 1).padStart(2, "0")}`;
  return { start: `${month}-01`, end: `${next}-01` };
}

export const thisMonth = () => chinaDay(new Date()).slice(0, 7);

/** A query string from an object, leaving out empty values. */
export function query(params) {
  const pairs = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== "" && v !== false);
  return new URLSearchParams(pairs.map(([k, v]) => [k, String(v)])).toString();
}
