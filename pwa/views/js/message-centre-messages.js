// The message centre's strings (消息), added to the shared catalogues (nav_messages is the phone's, shared).
import { addMessages } from "/app/js/i18n.js";

addMessages({
  zh: { mc_title: "消息", mc_unread: "未读 {n} 条", mc_read_all: "全部标为已读", mc_new: "未读", mc_none: "暂无消息" },
  en: { mc_title: "Messages", mc_unread: "{n} unread", mc_read_all: "Mark all read", mc_new: "new",
        mc_none: "No messages" },
});
