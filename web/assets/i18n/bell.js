// Strings of the notifications bell in the signed-in header (bell.js), on every signed-in page.
// Data only: the object after "export default" is JSON (I18nKeysTest reads it), the same keys in both languages.
export default {
  "zh-CN": {
    "bell.label": "通知",
    "bell.labelUnread": "通知（{n} 条未读）",
    "bell.heading": "通知",
    "bell.readAll": "全部标为已读",
    "bell.markRead": "标为已读",
    "bell.empty": "暂无通知。"
  },
  "en": {
    "bell.label": "Notifications",
    "bell.labelUnread": "Notifications ({n} unread)",
    "bell.heading": "Notifications",
    "bell.readAll": "Mark all read",
    "bell.markRead": "Mark read",
    "bell.empty": "No notifications."
  }
};
