// Strings of the supervisor page (supervisor.html, supervisor.js).
// Data only: the object after "export default" is JSON (I18nKeysTest reads it), the same keys in both languages.
export default {
  "zh-CN": {
    "title.supervisor": "运行监控 · 回访 Huifang",
    "sup.heading": "运行监控",
    "sup.agents": "坐席实时状态",
    "sup.agentsHint": "坐席实时状态将在后续版本中提供。"
  },
  "en": {
    "title.supervisor": "Monitoring · Huifang 回访",
    "sup.heading": "Monitoring",
    "sup.agents": "Live agent status",
    "sup.agentsHint": "Live agent status comes in a later version."
  }
};
