// Strings of the QA page (qa.html, qa.js).
// Data only: the object after "export default" is JSON (I18nKeysTest reads it), the same keys in both languages.
export default {
  "zh-CN": {
    "title.qa": "质检 · 回访 Huifang",
    "qa.heading": "质检",
    "qa.queue": "待质检录音",
    "qa.empty": "暂无待质检的录音",
    "qa.emptyHint": "通话录音将在后续版本中出现在这里，供您收听和评分。"
  },
  "en": {
    "title.qa": "Quality review · Huifang 回访",
    "qa.heading": "Quality review",
    "qa.queue": "Recordings to review",
    "qa.empty": "No recordings to review",
    "qa.emptyHint": "Call recordings will appear here in a later version, for you to listen to and score."
  }
};
