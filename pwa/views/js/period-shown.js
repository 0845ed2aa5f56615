// Which period the county view shows, said in words (显示：2026年11月（上月，已完整）), whether its figures are
// complete, and the one button that switches between the last complete month and the running one.
import { t } from "/app/js/i18n.js";
import { addDays, lastCompleteMonth, thisMonth, today } from "./format.js";

/** 2026年11月 (zh) / 2026-11 (en) of a YYYY-MM month. */
export const monthName = (month) => t("month_name", { year: month.slice(0, 4), month: Number(month.slice(5, 7)),
                                                      mm: month.slice(5, 7) });

/** The words for a month (YYYY-MM) or, with `month` empty, for the period {start, end}; partial while it runs. */
export function describePeriod(month, period) {
  if (month) {
    const partial = month >= thisMonth();
    const note = partial ? t("month_running") : month === lastCompleteMonth() ? t("month_complete") : t("month_closed");
    return { text: t("showing", { period: `${monthName(month)}${note}` }), partial };
  }
  const last = addDays(period.end, -1), partial = last >= today();
  return { text: t("showing", { period: `${period.start} – ${last}${partial ? t("range_running") : ""}` }), partial };
}

/** HTML of the status and its switch, for the toolbar. */
export const periodShownHtml = () =>
  `<span id="period-shown" class="period-shown"></span><button type="button" id="period-switch"></button>`;

/** Shows the period in `root`'s status; the switch offers the running month unless shown, else the last complete
 * one, and calls onSwitch(month). */
export function showPeriodShown(root, month, period, onSwitch) {
  const { text, partial } = describePeriod(month, period);
  const status = root.querySelector("#period-shown");
  status.textContent = text;
  Object.assign(status.dataset, { month: month || "", partial: String(partial) });
  const running = month === thisMonth();
  const button = root.querySelector("#period-switch");
  button.textContent = running ? t("show_complete") : t("show_running");
  button.onclick = () => onSwitch(running ? lastCompleteMonth() : thisMonth());
}

