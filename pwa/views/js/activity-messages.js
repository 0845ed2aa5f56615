// The worker-activity page's strings (工作人员活跃度), added to the shared catalogues.
import { addMessages } from "/app/js/i18n.js";

addMessages({
  zh: {
    activity: "工作人员活跃度", act_role: "角色", act_all_roles: "网格员和包联干部",
    act_roles: { grid_worker: "网格员", cadre: "包联干部" }, act_month: "月份", act_name: "姓名", act_unit: "所属单位",
    act_households: "负责户数", act_due: "应访未访", act_completion: "完成率", act_visits: "走访人次",
    act_far: "距住户过远", act_poor_gps: "定位精度差", act_last_visit: "最近走访", act_last_sync: "最近同步",
    act_phones: "同步手机", act_never_synced: "从未同步", act_count: "共 {n} 人", act_download: "下载",
    act_xlsx: "Excel", act_csv: "CSV", act_running: "本月截至今日，未完",
    act_note: "应访未访：网格员为本网格本月无人走访的户，包联干部为本人本月未走访的包联户。"
      + "距住户超过 {distance} 米、定位精度差于 {accuracy} 米的走访标红。点击表头排序，下载的表格与所见相同。",
    act_empty: "该范围内没有网格员或包联干部",
  },
  en: {
    activity: "Worker activity", act_role: "Role", act_all_roles: "Grid workers and cadres",
    act_roles: { grid_worker: "Grid worker", cadre: "Cadre" }, act_month: "Month", act_name: "Name", act_unit: "Unit",
    act_households: "Households", act_due: "Due, not visited", act_completion: "Done", act_visits: "Visits",
    act_far: "Far from household", act_poor_gps: "Poor GPS", act_last_visit: "Last visit", act_last_sync: "Last sync",
    act_phones: "Phones", act_never_synced: "never synced", act_count: "{n} people", act_download: "Download",
    act_xlsx: "Excel", act_csv: "CSV", act_running: "this month so far, not over",
    act_note: "Due: for a grid worker, the cell's households nobody visited this month; for a cadre, the linked "
      + "households the cadre has not visited this month. Visits farther than {distance} m from the household or with a "
      + "GPS fix worse than {accuracy} m are marked red. Click a heading to sort; the downloads are the table as shown.",
    act_empty: "No grid workers or cadres here",
  },
});
