// Strings of the login page (index.html, login.js).
// Data only: the object after "export default" is JSON (I18nKeysTest reads it), the same keys in both languages.
export default {
  "zh-CN": {
    "title.login": "登录 · 回访 Huifang",
    "login.heading": "登录",
    "login.intro": "请使用管理员为您分配的账号登录。",
    "login.username": "用户名",
    "login.password": "密码",
    "login.submit": "登录",
    "login.submitting": "正在登录…",
    "login.error.credentials": "用户名或密码不正确。",
    "login.error.tooMany": "尝试次数过多，请在 {seconds} 秒后重试。",
    "login.error.tooManyNow": "尝试次数过多，现在可以重试。",
    "login.error.required": "请输入{field}。",
    "login.error.network": "无法连接服务器，请检查网络后重试。",
    "login.error.server": "服务器出错（{status}），请稍后重试。",
    "login.error.role": "您的账号角色（{role}）没有可用的页面，请联系管理员。",
    "login.info.expired": "会话已失效，请重新登录。",
    "login.info.loggedOut": "您已退出登录。",
    "login.footer": "回访 Huifang · 仅限授权人员使用"
  },
  "en": {
    "title.login": "Sign in · Huifang 回访",
    "login.heading": "Sign in",
    "login.intro": "Use the account your administrator gave you.",
    "login.username": "Username",
    "login.password": "Password",
    "login.submit": "Sign in",
    "login.submitting": "Signing in…",
    "login.error.credentials": "Wrong username or password.",
    "login.error.tooMany": "Too many attempts. Try again in {seconds} s.",
    "login.error.tooManyNow": "Too many attempts. You can try again now.",
    "login.error.required": "Please enter your {field}.",
    "login.error.network": "Cannot reach the server. Check the network and try again.",
    "login.error.server": "Server error ({status}). Please try again later.",
    "login.error.role": "Your account role ({role}) has no page. Please contact an administrator.",
    "login.info.expired": "Your session has ended. Please sign in again.",
    "login.info.loggedOut": "You have logged out.",
    "login.footer": "Huifang 回访 · authorised staff only"
  }
};
