// Message catalogues: Chinese first, English on request. Logic never holds user-facing strings.
const CATALOGUES = {
  zh: {
    app: "网格通", login: "登录", username: "用户名", password: "密码", logout: "退出",
    households: "我的住户", sync: "同步", search: "搜索姓名或地址", days_since: "{n} 天未走访",
    never_visited: "从未走访", overdue: "逾期", members: "人口", tags: "标签", phone: "电话",
    id_number: "身份证", log_visit: "记录走访", report_dispute: "上报矛盾纠纷", kind: "走访类型",
    notes: "走访情况", findings: "发现问题", follow_up: "跟进日期", save: "保存", gps: "定位",
    gps_waiting: "正在定位…", gps_none: "无定位", accuracy: "精度 {n} 米", saved: "已保存，等待同步",
    category: "纠纷类型", risk: "风险等级", title: "标题", description: "情况描述", parties: "当事人（逗号分隔）",
    waiting: "待同步 {n} 条", last_sync: "上次同步", never: "从未", sync_now: "立即同步",
    rejected: "被退回", offline: "离线", online: "在线", back: "返回", language: "English",
    login_failed: "登录失败", need_online_login: "首次使用请在有网络时登录",
    tap_map: "可在地图上点选事发地点（默认用手机定位）", picked: "已选地点",
    tasks: "任务", map: "地图", map_unavailable: "地图组件未加载", follow_ups: "待跟进", my_disputes: "我的矛盾纠纷",
    none: "暂无", due: "期限", deadline_red: "已超期", deadline_yellow: "临近期限", deadline_green: "正常",
    deadline_none: "已办结", recent_visits: "走访记录", pending: "待同步",
    states: { reported: "已上报", accepted: "已受理", assigned: "已交办", mediating: "调处中", resolved: "已化解",
              called_back: "已回访", closed: "已结案" },
    tag_names: { subsistence: "低保户", elderly_alone: "独居老人", left_behind_child: "留守儿童", disabled: "残疾",
                 poverty_watch: "脱贫监测户", key_person: "重点人员" },
    visit_kinds: { poverty_check: "防贫风险排查", employment_help: "产业就业帮扶", counselling: "思想困惑疏导",
                   policy: "政策宣讲", other: "其他" },
    categories: { neighbour: "邻里纠纷", family: "婚姻家庭", land_rights: "土地权属", land_requisition: "征地拆迁补偿",
                  unpaid_wages: "拖欠工资/工程款", social_insurance: "社保欠缴", housing: "房屋质量/交房/物业",
                  environment: "环境污染", enterprise_community: "企地纠纷", illegal_land_use: "违法占地", other: "其他" },
    risks: { red: "红色（重大）", orange: "橙色", yellow: "黄色", blue: "蓝色（一般）" },
  },
  en: {
    app: "Grid", login: "Sign in", username: "Username", password: "Password", logout: "Sign out",
    households: "My households", sync: "Sync", search: "Search name or address", days_since: "{n} days since a visit",
    never_visited: "never visited", overdue: "overdue", members: "members", tags: "tags", phone: "phone",
    id_number: "ID", log_visit: "Log a visit", report_dispute: "Report a dispute", kind: "Kind of visit",
    notes: "Notes", findings: "Findings", follow_up: "Follow up on", save: "Save", gps: "Location",
    gps_waiting: "Locating…", gps_none: "no location", accuracy: "accuracy {n} m", saved: "Saved, waiting to sync",
    category: "Category", risk: "Risk", title: "Title", description: "Description", parties: "Parties (comma separated)",
    waiting: "{n} waiting", last_sync: "Last sync", never: "never", sync_now: "Sync now",
    rejected: "Rejected", offline: "offline", online: "online", back: "Back", language: "中文",
    login_failed: "Sign-in failed", need_online_login: "Sign in once while online",
    tap_map: "Tap the map to mark where it happened (the phone's location otherwise)", picked: "Picked",
    tasks: "Tasks", map: "Map", map_unavailable: "The map library did not load", follow_ups: "Follow-ups due",
    my_disputes: "My disputes", none: "None", due: "due", deadline_red: "overdue", deadline_yellow: "near the limit",
    deadline_green: "on time", deadline_none: "done", recent_visits: "Visits", pending: "waiting to sync",
    states: { reported: "reported", accepted: "accepted", assigned: "assigned", mediating: "in mediation",
              resolved: "resolved", called_back: "called back", closed: "closed" },
    tag_names: { subsistence: "Subsistence", elderly_alone: "Elderly alone", left_behind_child: "Left-behind child",
                 disabled: "Disabled", poverty_watch: "Poverty watch", key_person: "Key person" },
    visit_kinds: { poverty_check: "Poverty-risk check", employment_help: "Work and income help", counselling: "Counselling",
                   policy: "Policy explanation", other: "Other" },
    categories: { neighbour: "Neighbours", family: "Family / marriage", land_rights: "Land rights",
                  land_requisition: "Requisition / compensation", unpaid_wages: "Unpaid wages", social_insurance:
                  "Social insurance", housing: "Housing / property", environment: "Environment",
                  enterprise_community: "Enterprise–community", illegal_land_use: "Illegal land use", other: "Other" },
    risks: { red: "Red (major)", orange: "Orange", yellow: "Yellow", blue: "Blue (minor)" },
  },
};

let language = localStorage.getItem("language") || "zh";

export function t(key, values = {}) {
  const text = CATALOGUES[language][key] ?? CATALOGUES.zh[key] ?? key;
  return typeof text === "string" ? text.replace(/\{(\w+)\}/g, (_, k) => values[k]) : text;
}

// More entries for pages beyond the phone app (the desktop views): added per language, never replacing.
export function addMessages(catalogues) {
  for (const [lang, entries] of Object.entries(catalogues)) CATALOGUES[lang] = { ...entries, ...CATALOGUES[lang] };
}

export const currentLanguage = () => language;

export function toggleLanguage() {
  language = language === "zh" ? "en" : "zh";
  localStorage.setItem("language", language);
  document.documentElement.lang = language === "zh" ? "zh-CN" : "en";
}
