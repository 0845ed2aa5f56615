// The figures of docs/domain.md as the county view shows them: table columns, a total row, trend charts.
import { t } from "/app/js/i18n.js";
import { chinaDay, count, percent } from "./format.js";

// Each rate as numerator ÷ denominator of the counts in a figures row (as server/stats/figures.py defines them),
// so a total row is a ratio of sums, never an average of rates.
const RATES = {
  coverage: ["visited_households", "households"], resolution_rate: ["resolved", "reported"],
  on_time_rate: ["resolved_on_time", "resolved"], satisfaction_rate: ["satisfied", "called_back"],
  early_warning_rate: ["early", "reported"], village_share: ["resolved_in_village", "resolved"],
  town_share: ["resolved_in_town", "resolved"], zero_report_completeness: ["reports_filed", "reports_due"],
};
const COUNTS = ["households", "visited_households", "visits", "reported", "resolved", "resolved_on_time",
                "called_back", "satisfied", "early", "resolved_in_village", "resolved_in_town", "cells", "cells_reported",
                "reports_due", "reports_filed"];

/** The table's columns; zero-report completeness is labelled by how the rows counted it: monthly reports, or
 * the period's days of daily reporting (日报告制). */
export const figureColumns = (rows = []) => [
  { key: "name", label: t("unit"), text: true },
  { key: "households", label: t("households_count"), format: count },
  { key: "coverage", label: t("coverage"), format: percent },
  { key: "visits", label: t("visits"), format: count },
  { key: "reported", label: t("reported"), format: count },
  { key: "resolved", label: t("resolved"), format: count },
  { key: "resolution_rate", label: t("resolution_rate"), format: percent },
  { key: "on_time_rate", label: t("on_time_rate"), format: percent },
  { key: "satisfaction_rate", label: t("satisfaction_rate"), format: percent },
  { key: "early_warning_rate", label: t("early_warning_rate"), format: percent },
  { key: "village_share", label: t("village_share"), format: percent },
  { key: "town_share", label: t("town_share"), format: percent },
  { key: "zero_report_completeness", label: reportsLabel(rows),
    format: (rate, row) => `${percent(rate)} (${row.reports_filed ?? 0}/${row.reports_due ?? 0})` },
];

function reportsLabel(rows) {
  const days = Math.max(0, ...rows.map((row) => row.daily_report_days || 0));  // the same for every row
  return days ? t("daily_report_completeness", { days }) : t("zero_report_completeness");
}

export function totalRow(rows, name) {
  const total = { code: "", name };
  for (const key of COUNTS) total[key] = rows.reduce((sum, row) => sum + (row[key] || 0), 0);
  for (const [rate, [numerator, denominator]] of Object.entries(RATES)) {
    total[rate] = total[denominator] ? total[numerator] / total[denominator] : null;
  }
  return total;
}

export const cadreColumns = () => [
  { key: "display_name", label: t("cadre"), text: true },
  { key: "unit_name", label: t("unit"), text: true },
  { key: "linked", label: t("linked"), format: count },
  { key: "unvisited", label: t("unvisited"), format: count },
  { key: "oldest_visit", label: t("oldest_visit"), format: (v) => (v ? chinaDay(v) : t("never_visited")) },
];

export const trendCharts = () => [
  { key: "coverage", title: t("coverage"), percent: true, format: percent },
  { key: "visits", title: t("visits"), format: count },
  { key: "reported", title: t("reported"), format: count },
  { key: "resolution_rate", title: t("resolution_rate"), percent: true, format: percent },
  { key: "early_warning_rate", title: t("early_warning_rate"), percent: true, format: percent },
  { key: "satisfaction_rate", title: t("satisfaction_rate"), percent: true, format: percent },
];
