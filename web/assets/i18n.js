// Huifang UI strings. zh-CN is the default; en on the switch.
// Every visible text goes through t(key) or a data-i18n attribute.
//   data-i18n="key"              -> textContent
//   data-i18n-args='{"n":3}'     -> parameters for {n} placeholders
//   data-i18n-placeholder="key"  -> placeholder attribute
//   data-i18n-title="key"        -> title attribute
//   data-i18n-aria-label="key"   -> aria-label attribute

const STORAGE_KEY = 'hf.lang';
export const LANGS = ['zh-CN', 'en'];
export const DEFAULT_LANG = 'zh-CN';

const dict = {
  'zh-CN': {
    'app.name': '回访',
    'app.nameLatin': 'Huifang',
    'app.tagline': '客户满意度回访系统',
    'lang.switch': '界面语言',
    'lang.zh': '中文',
    'lang.en': 'English',
    'common.loading': '正在加载…',
    'common.logout': '退出登录',
    'common.skip': '跳到主要内容',
    'common.mainNav': '主导航',
    'common.userMenu': '当前用户',
    'common.retry': '重试',
    'common.save': '保存',
    'common.cancel': '取消',
    'common.close': '关闭',

    'role.agent': '回访员',
    'role.qa': '质检员',
    'role.supervisor': '主管',
    'role.admin': '管理员',

    'nav.agent': '坐席工作台',
    'nav.qa': '质检',
    'nav.supervisor': '运行监控',
    'nav.admin': '系统管理',

    'title.login': '登录 · 回访 Huifang',
    'title.agent': '坐席工作台 · 回访 Huifang',
    'title.qa': '质检 · 回访 Huifang',
    'title.supervisor': '运行监控 · 回访 Huifang',
    'title.admin': '系统管理 · 回访 Huifang',

    'login.heading': '登录',
    'login.intro': '请使用管理员为您分配的账号登录。',
    'login.username': '用户名',
    'login.password': '密码',
    'login.submit': '登录',
    'login.submitting': '正在登录…',
    'login.error.credentials': '用户名或密码不正确。',
    'login.error.tooMany': '尝试次数过多，请在 {seconds} 秒后重试。',
    'login.error.tooManyNow': '尝试次数过多，现在可以重试。',
    'login.error.required': '请输入{field}。',
    'login.error.network': '无法连接服务器，请检查网络后重试。',
    'login.error.server': '服务器出错（{status}），请稍后重试。',
    'login.error.role': '您的账号角色（{role}）没有可用的页面，请联系管理员。',
    'login.info.expired': '会话已失效，请重新登录。',
    'login.info.loggedOut': '您已退出登录。',
    'login.footer': '回访 Huifang · 仅限授权人员使用',

    'error.forbidden': '没有权限执行此操作。',
    'error.network': '无法连接服务器。',
    'error.server': '服务器出错（{status}）。',
    'denied.heading': '没有访问权限',
    'denied.body': '此页面不对您的角色（{role}）开放。',
    'denied.link': '前往我的工作台',

    'account.changePassword': '修改密码',
    'password.title': '修改密码',
    'password.forced': '您正在使用一次性密码，请先设置新密码。',
    'password.current': '当前密码',
    'password.new': '新密码',
    'password.newHint': '至少 10 个字符。',
    'password.confirm': '确认新密码',
    'password.submit': '保存新密码',
    'password.submitting': '正在保存…',
    'password.changed': '密码已修改。',
    'password.error.currentRequired': '请输入当前密码。',
    'password.error.currentWrong': '当前密码不正确。',
    'password.error.newRequired': '请输入新密码。',
    'password.error.short': '新密码至少需要 10 个字符（当前 {n} 个）。',
    'password.error.blank': '新密码不能只包含空格。',
    'password.error.same': '新密码不能与当前密码相同。',
    'password.error.confirmRequired': '请再次输入新密码。',
    'password.error.mismatch': '两次输入的新密码不一致。',
    'password.error.generic': '未能修改密码：{reason}',

    'ws.connecting': '正在连接…',
    'ws.connected': '已连接',
    'ws.reconnecting': '连接中断，{seconds} 秒后重连',
    'ws.reconnectingNow': '正在重连…',
    'ws.label': '实时连接：',

    'agent.heading': '坐席工作台',
    'agent.screen': '来电屏幕',
    'agent.waiting': '等待来电',
    'agent.waitingHint': '来电接通后，客户回访问卷将在此处自动弹出。',
    'agent.state': '坐席状态',
    'agent.waitingLineHint': '接通线路并设为就绪后，即可接听来电。',
    'agent.state.none': '未接通',
    'agent.state.opening': '正在接通…',
    'agent.state.notReady': '未就绪',
    'agent.state.ready': '就绪',
    'agent.state.reserved': '分配中',
    'agent.state.onCall': '通话中',
    'agent.state.down': '线路已断开',
    'agent.action.open': '接通线路',
    'agent.action.ready': '就绪',
    'agent.action.notReady': '未就绪',
    'agent.action.close': '挂断线路',
    'agent.line.channel': '分机线路',
    'agent.line.agentsOnly': '只有回访员账号才有电话线路。',
    'agent.error.softphone': '尚未为您设置软电话分机，请联系管理员。',
    'agent.error.lineFailed': '无法接通您的软电话，请确认软电话已登录后重试。',
    'agent.error.pbx': '电话系统暂不可用，请稍后重试。',
    'agent.error.noLine': '请先接通线路。',
    'agent.error.generic': '操作失败：{reason}',
    'agent.call.heading': '通话中',
    'agent.call.talkTime': '通话时长',
    'agent.call.attempt': '呼叫编号',
    'agent.call.campaign': '回访活动',
    'agent.call.task': '回访任务',
    'agent.call.customer': '客户',
    'agent.call.connectedAt': '接通时间',
    'agent.call.note': '客户资料与回访问卷将在后续版本中显示。',
    'agent.connection': '连接信息',
    'agent.conn.status': '状态',
    'agent.conn.since': '连接时间',
    'agent.conn.last': '最近消息',
    'agent.conn.none': '—',

    'qa.heading': '质检',
    'qa.queue': '待质检录音',
    'qa.empty': '暂无待质检的录音',
    'qa.emptyHint': '通话录音将在后续版本中出现在这里，供您收听和评分。',

    'sup.heading': '运行监控',
    'sup.agents': '坐席实时状态',
    'sup.agentsHint': '坐席实时状态将在后续版本中提供。',

    'health.heading': '系统状态',
    'health.overall': '总体',
    'health.db': '数据库',
    'health.pbx': '电话系统（PBX）',
    'health.version': '版本',
    'health.updated': '更新于 {time}',
    'health.polling': '每 5 秒自动刷新',
    'health.status.UP': '正常',
    'health.status.DEGRADED': '降级',
    'health.status.DOWN': '故障',
    'health.status.UNKNOWN': '未知',
    'health.unreachable': '无法获取系统状态（{reason}），显示的是上一次的结果。',
    'health.unreachableNoData': '无法获取系统状态（{reason}）。',
    'health.noDetail': '无详细信息',
    'health.reason.timeout': '请求超时',
    'health.reason.network': '网络不可达',
    'health.reason.badResponse': '响应格式错误',

    'admin.heading': '系统管理',
    'users.heading': '用户',
    'users.count': '共 {n} 个用户',
    'users.col.username': '用户名',
    'users.col.displayName': '显示名称',
    'users.col.role': '角色',
    'users.col.active': '状态',
    'users.col.created': '创建时间',
    'users.col.actions': '操作',
    'users.active': '已启用',
    'users.inactive': '已停用',
    'users.activate': '启用',
    'users.deactivate': '停用',
    'users.you': '（您）',
    'users.selfLocked': '不能修改自己的角色或状态',
    'users.roleFor': '{name} 的角色',
    'users.empty': '还没有用户。',
    'users.loadFailed': '无法加载用户列表。',
    'users.saved': '已保存 {name} 的修改。',
    'users.saveFailed': '未能保存 {name} 的修改：{reason}',
    'users.confirmDeactivate': '确定停用用户 {name} 吗？该用户将无法登录。',
    'users.resetPassword': '重置密码',
    'users.mustChange': '待改密码',
    'users.mustChangeTitle': '该用户下次登录时必须修改密码',

    'reset.title': '重置 {name} 的密码',
    'reset.intro': '设置一个临时密码并告知 {name}。其现有会话将全部退出，下次登录时必须修改密码。',
    'reset.password': '临时密码',
    'reset.passwordHint': '至少 10 个字符。',
    'reset.submit': '重置密码',
    'reset.submitting': '正在重置…',
    'reset.done': '已重置 {name} 的密码，该用户下次登录时必须修改密码。',
    'reset.error.generic': '未能重置密码：{reason}',

    'create.heading': '新建用户',
    'create.username': '用户名',
    'create.displayName': '显示名称',
    'create.role': '角色',
    'create.password': '初始密码',
    'create.passwordHint': '至少 10 个字符。',
    'create.submit': '创建用户',
    'create.submitting': '正在创建…',
    'create.created': '已创建用户 {name}。',
    'create.error.required': '此项为必填项。',
    'create.error.passwordShort': '密码至少需要 10 个字符（当前 {n} 个）。',
    'create.error.conflict': '该用户名已被使用。',
    'create.error.invalid': '此项无效。',
    'create.error.generic': '未能创建用户：{reason}',
    'nav.campaigns': '活动与名单',
    'nav.quality': '数据质量',
    'title.campaigns': '活动与名单 · 回访 Huifang',
    'title.quality': '数据质量稽核 · 回访 Huifang',
    'camp.heading': '活动与名单',
    'camp.list': '回访活动',
    'camp.col.name': '名称',
    'camp.col.kind': '类型',
    'camp.col.dealers': '经销商',
    'camp.col.deadline': '截止规则',
    'camp.col.attempts': '最多拨打',
    'camp.col.mode': '外呼模式',
    'camp.col.active': '状态',
    'camp.active': '进行中',
    'camp.inactive': '已暂停',
    'camp.empty': '还没有活动。',
    'camp.deadlineRule': '{basis}后 {hours} 小时内',
    'camp.new': '新建活动',
    'camp.created': '已创建活动 {name}。',
    'camp.f.name': '活动名称',
    'camp.f.kind': '类型',
    'camp.f.questionnaire': '问卷',
    'camp.f.dealers': '覆盖的经销商',
    'camp.f.hours': '呼叫时间（按星期）',
    'camp.f.hoursHint': '多个时段用逗号分隔，例如 09:00-12:00, 13:30-20:00；留空表示当天不呼叫。',
    'camp.f.parts': '重拨时间段',
    'camp.f.holidays': '节假日（YYYY-MM-DD，逗号分隔）',
    'camp.f.maxAttempts': '最多拨打次数',
    'camp.f.wrapUp': '话后处理时间（秒）',
    'camp.f.abandon': '放弃率目标 %',
    'camp.f.mode': '外呼模式',
    'camp.f.recording': '录音',
    'camp.f.callerId': '主叫号码',
    'camp.f.submit': '创建活动',
    'camp.col.actions': '操作',
    'camp.edit': '编辑活动',
    'camp.editBtn': '编辑',
    'camp.editLabel': '编辑活动 {name}',
    'camp.pause': '暂停',
    'camp.resume': '恢复',
    'camp.pauseLabel': '暂停活动 {name}',
    'camp.resumeLabel': '恢复活动 {name}',
    'camp.paused': '已暂停活动 {name}，暂停期间不会拨打。',
    'camp.resumed': '已恢复活动 {name}。',
    'camp.saved': '已保存活动 {name}。',
    'camp.f.hoursAll': '每天相同',
    'camp.f.hoursFill': '填入每天',
    'camp.f.save': '保存修改',
    'camp.f.cancel': '取消编辑',
    'camp.f.fixErrors': '请更正标出的字段。',
    'day.mon': '周一',
    'day.tue': '周二',
    'day.wed': '周三',
    'day.thu': '周四',
    'day.fri': '周五',
    'day.sat': '周六',
    'day.sun': '周日',
    'kind.csi': 'CSI 售后',
    'kind.ssi': 'SSI 销售',
    'kind.other': '其他',
    'basis.service_date': '出厂',
    'basis.sale_date': '交车',
    'basis.order_date': '开单',
    'mode.preview': '预览',
    'mode.progressive': '渐进',
    'mode.predictive': '预测',
    'rec.all': '全部录音',
    'rec.on_demand': '按需录音',
    'rec.none': '不录音',
    'dealer.heading': '经销商',
    'dealer.code': '编号',
    'dealer.name': '名称',
    'dealer.add': '添加经销商',
    'dealer.created': '已添加经销商。',
    'imp.heading': '导入 DMS 名单',
    'imp.campaign': '活动',
    'imp.dealer': '经销商',
    'imp.file': '文件（CSV 或 XLSX）',
    'imp.dryRun': '只校验，不写入',
    'imp.submit': '上传并导入',
    'imp.noFile': '请选择文件。',
    'imp.uploading': '正在上传… {pct}%',
    'imp.reading': '正在校验… 已读 {done} 行',
    'imp.writing': '正在写入… {done} / {total} 行',
    'imp.status.loaded': '已导入',
    'imp.status.validated': '校验完成（未写入）',
    'imp.status.failed': '导入失败，未写入任何数据',
    'imp.status.duplicate': '此文件已导入过，未做任何更改',
    'imp.status.running': '进行中',
    'imp.r.status': '结果',
    'imp.r.rowsRead': '读取行数',
    'imp.r.accepted': '可回访客户',
    'imp.r.flagged': '特殊记录',
    'imp.r.rejected': '拒收行数',
    'imp.r.duplicates': '重复电话（不同客户）',
    'imp.r.alreadyPresent': '此前已导入的行',
    'imp.r.encoding': '编码',
    'imp.r.row': '行号',
    'imp.r.column': '列',
    'imp.r.value': '内容',
    'imp.r.reason': '原因',
    'special.pdi': 'PDI',
    'special.stock': '库存车',
    'special.company': '公司公务车',
    'special.refused_phone': '拒留电话',
    'special.refused_callback': '拒绝回访',
    'special.not_owner': '非车主',
    'special.other': '其他特殊',
    'dq.heading': '数据质量稽核',
    'dq.perDealer': '按经销商',
    'dq.month': '月份',
    'dq.show': '查看',
    'dq.allCampaigns': '全部活动',
    'dq.empty': '没有经销商数据。',
    'dq.col.dealer': '经销商',
    'dq.col.customers': '客户数',
    'dq.col.duplicates': '重复电话',
    'dq.col.refusals': '拒访',
    'dq.col.unusable': '无有效号码',
    'dq.col.openOrders': '未结算工单',
    'dq.col.special': '特殊记录',
    'dq.col.volume': '台次（申报 / 上传）',
    'dq.col.result': '结论',
    'dq.ok': '未发现问题',
    'dq.problem.duplicate_phones': '重复电话',
    'dq.problem.unusable_phones': '无效号码',
    'dq.problem.work_orders_open': '工单未结算',
    'dq.problem.volume_mismatch': '台次不符',
    'dq.problem.volume_not_declared': '未申报台次'
  },

  en: {
    'app.name': 'Huifang',
    'app.nameLatin': '回访',
    'app.tagline': 'Customer satisfaction callbacks',
    'lang.switch': 'Interface language',
    'lang.zh': '中文',
    'lang.en': 'English',
    'common.loading': 'Loading…',
    'common.logout': 'Log out',
    'common.skip': 'Skip to main content',
    'common.mainNav': 'Main navigation',
    'common.userMenu': 'Signed-in user',
    'common.retry': 'Retry',
    'common.save': 'Save',
    'common.cancel': 'Cancel',
    'common.close': 'Close',

    'role.agent': 'Agent',
    'role.qa': 'QA',
    'role.supervisor': 'Supervisor',
    'role.admin': 'Administrator',

    'nav.agent': 'Agent desk',
    'nav.qa': 'Quality review',
    'nav.supervisor': 'Monitoring',
    'nav.admin': 'Administration',

    'title.login': 'Sign in · Huifang 回访',
    'title.agent': 'Agent desk · Huifang 回访',
    'title.qa': 'Quality review · Huifang 回访',
    'title.supervisor': 'Monitoring · Huifang 回访',
    'title.admin': 'Administration · Huifang 回访',

    'login.heading': 'Sign in',
    'login.intro': 'Use the account your administrator gave you.',
    'login.username': 'Username',
    'login.password': 'Password',
    'login.submit': 'Sign in',
    'login.submitting': 'Signing in…',
    'login.error.credentials': 'Wrong username or password.',
    'login.error.tooMany': 'Too many attempts. Try again in {seconds} s.',
    'login.error.tooManyNow': 'Too many attempts. You can try again now.',
    'login.error.required': 'Please enter your {field}.',
    'login.error.network': 'Cannot reach the server. Check the network and try again.',
    'login.error.server': 'Server error ({status}). Please try again later.',
    'login.error.role': 'Your account role ({role}) has no page. Please contact an administrator.',
    'login.info.expired': 'Your session has ended. Please sign in again.',
    'login.info.loggedOut': 'You have logged out.',
    'login.footer': 'Huifang 回访 · authorised staff only',

    'error.forbidden': 'You do not have permission to do this.',
    'error.network': 'Cannot reach the server.',
    'error.server': 'Server error ({status}).',
    'denied.heading': 'No permission',
    'denied.body': 'This page is not available to your role ({role}).',
    'denied.link': 'Go to my workspace',

    'account.changePassword': 'Change password',
    'password.title': 'Change password',
    'password.forced': 'You signed in with a one-time password; set your own password to continue.',
    'password.current': 'Current password',
    'password.new': 'New password',
    'password.newHint': 'At least 10 characters.',
    'password.confirm': 'Confirm new password',
    'password.submit': 'Save new password',
    'password.submitting': 'Saving…',
    'password.changed': 'Your password has been changed.',
    'password.error.currentRequired': 'Please enter your current password.',
    'password.error.currentWrong': 'The current password is wrong.',
    'password.error.newRequired': 'Please enter a new password.',
    'password.error.short': 'The new password needs at least 10 characters ({n} so far).',
    'password.error.blank': 'The new password cannot be only spaces.',
    'password.error.same': 'The new password must differ from the current one.',
    'password.error.confirmRequired': 'Please enter the new password again.',
    'password.error.mismatch': 'The two new passwords do not match.',
    'password.error.generic': 'Could not change the password: {reason}',

    'ws.connecting': 'Connecting…',
    'ws.connected': 'Connected',
    'ws.reconnecting': 'Disconnected, retrying in {seconds} s',
    'ws.reconnectingNow': 'Reconnecting…',
    'ws.label': 'Live connection: ',

    'agent.heading': 'Agent desk',
    'agent.screen': 'Call screen',
    'agent.waiting': 'Waiting for calls',
    'agent.waitingHint': 'When a call connects, the customer survey pops up here.',
    'agent.state': 'Agent state',
    'agent.waitingLineHint': 'Open your line and go ready to receive calls.',
    'agent.state.none': 'Line closed',
    'agent.state.opening': 'Opening line…',
    'agent.state.notReady': 'Not ready',
    'agent.state.ready': 'Ready',
    'agent.state.reserved': 'Assigning call',
    'agent.state.onCall': 'On call',
    'agent.state.down': 'Line dropped',
    'agent.action.open': 'Open line',
    'agent.action.ready': 'Ready',
    'agent.action.notReady': 'Not ready',
    'agent.action.close': 'Close line',
    'agent.line.channel': 'Softphone line',
    'agent.line.agentsOnly': 'Only agent accounts have a phone line.',
    'agent.error.softphone': 'No softphone is set for you yet; ask an administrator.',
    'agent.error.lineFailed': 'Could not reach your softphone. Check that it is signed in and try again.',
    'agent.error.pbx': 'The phone system is not available. Try again later.',
    'agent.error.noLine': 'Open your line first.',
    'agent.error.generic': 'That did not work: {reason}',
    'agent.call.heading': 'On call',
    'agent.call.talkTime': 'Talk time',
    'agent.call.attempt': 'Call attempt',
    'agent.call.campaign': 'Campaign',
    'agent.call.task': 'Task',
    'agent.call.customer': 'Customer',
    'agent.call.connectedAt': 'Connected at',
    'agent.call.note': 'Customer details and the survey come in a later version.',
    'agent.connection': 'Connection',
    'agent.conn.status': 'Status',
    'agent.conn.since': 'Connected since',
    'agent.conn.last': 'Last message',
    'agent.conn.none': '—',

    'qa.heading': 'Quality review',
    'qa.queue': 'Recordings to review',
    'qa.empty': 'No recordings to review',
    'qa.emptyHint': 'Call recordings will appear here in a later version, for you to listen to and score.',

    'sup.heading': 'Monitoring',
    'sup.agents': 'Live agent status',
    'sup.agentsHint': 'Live agent status comes in a later version.',

    'health.heading': 'System health',
    'health.overall': 'Overall',
    'health.db': 'Database',
    'health.pbx': 'Telephony (PBX)',
    'health.version': 'Version',
    'health.updated': 'Updated {time}',
    'health.polling': 'Refreshes every 5 s',
    'health.status.UP': 'Up',
    'health.status.DEGRADED': 'Degraded',
    'health.status.DOWN': 'Down',
    'health.status.UNKNOWN': 'Unknown',
    'health.unreachable': 'Cannot get the system health ({reason}); showing the last known result.',
    'health.unreachableNoData': 'Cannot get the system health ({reason}).',
    'health.noDetail': 'No details',
    'health.reason.timeout': 'timed out',
    'health.reason.network': 'network unreachable',
    'health.reason.badResponse': 'malformed answer',

    'admin.heading': 'Administration',
    'users.heading': 'Users',
    'users.count': '{n} users',
    'users.col.username': 'Username',
    'users.col.displayName': 'Display name',
    'users.col.role': 'Role',
    'users.col.active': 'Status',
    'users.col.created': 'Created',
    'users.col.actions': 'Actions',
    'users.active': 'Active',
    'users.inactive': 'Inactive',
    'users.activate': 'Activate',
    'users.deactivate': 'Deactivate',
    'users.you': ' (you)',
    'users.selfLocked': 'You cannot change your own role or status',
    'users.roleFor': 'Role of {name}',
    'users.empty': 'No users yet.',
    'users.loadFailed': 'Cannot load the users.',
    'users.saved': 'Saved the changes to {name}.',
    'users.saveFailed': 'Could not save the changes to {name}: {reason}',
    'users.confirmDeactivate': 'Deactivate {name}? They will not be able to sign in.',
    'users.resetPassword': 'Reset password',
    'users.mustChange': 'Must change password',
    'users.mustChangeTitle': 'This user must change the password at the next sign-in',

    'reset.title': 'Reset the password of {name}',
    'reset.intro': 'Set a temporary password and give it to {name}. Their open sessions end, and they must change the password at the next sign-in.',
    'reset.password': 'Temporary password',
    'reset.passwordHint': 'At least 10 characters.',
    'reset.submit': 'Reset password',
    'reset.submitting': 'Resetting…',
    'reset.done': 'Reset the password of {name}; they must change it at the next sign-in.',
    'reset.error.generic': 'Could not reset the password: {reason}',

    'create.heading': 'New user',
    'create.username': 'Username',
    'create.displayName': 'Display name',
    'create.role': 'Role',
    'create.password': 'Initial password',
    'create.passwordHint': 'At least 10 characters.',
    'create.submit': 'Create user',
    'create.submitting': 'Creating…',
    'create.created': 'Created user {name}.',
    'create.error.required': 'This field is required.',
    'create.error.passwordShort': 'The password needs at least 10 characters ({n} so far).',
    'create.error.conflict': 'This username is already taken.',
    'create.error.invalid': 'This value is not valid.',
    'create.error.generic': 'Could not create the user: {reason}',
    'nav.campaigns': 'Campaigns & lists',
    'nav.quality': 'Data quality',
    'title.campaigns': 'Campaigns & lists · Huifang 回访',
    'title.quality': 'Data-quality audit · Huifang 回访',
    'camp.heading': 'Campaigns and customer lists',
    'camp.list': 'Campaigns',
    'camp.col.name': 'Name',
    'camp.col.kind': 'Kind',
    'camp.col.dealers': 'Dealers',
    'camp.col.deadline': 'Deadline',
    'camp.col.attempts': 'Max attempts',
    'camp.col.mode': 'Dial mode',
    'camp.col.active': 'Status',
    'camp.active': 'Active',
    'camp.inactive': 'Paused',
    'camp.empty': 'No campaigns yet.',
    'camp.deadlineRule': 'within {hours} h of {basis}',
    'camp.new': 'New campaign',
    'camp.created': 'Campaign {name} created.',
    'camp.f.name': 'Campaign name',
    'camp.f.kind': 'Kind',
    'camp.f.questionnaire': 'Questionnaire',
    'camp.f.dealers': 'Dealers covered',
    'camp.f.hours': 'Calling hours by weekday',
    'camp.f.hoursHint': 'Separate windows with commas, e.g. 09:00-12:00, 13:30-20:00; leave a day empty for no calls that day.',
    'camp.f.parts': 'Day parts for retries',
    'camp.f.holidays': 'Holidays (YYYY-MM-DD, comma-separated)',
    'camp.f.maxAttempts': 'Maximum attempts',
    'camp.f.wrapUp': 'Wrap-up time (seconds)',
    'camp.f.abandon': 'Abandonment target %',
    'camp.f.mode': 'Dial mode',
    'camp.f.recording': 'Recording',
    'camp.f.callerId': 'Caller ID',
    'camp.f.submit': 'Create campaign',
    'camp.col.actions': 'Actions',
    'camp.edit': 'Edit campaign',
    'camp.editBtn': 'Edit',
    'camp.editLabel': 'Edit campaign {name}',
    'camp.pause': 'Pause',
    'camp.resume': 'Resume',
    'camp.pauseLabel': 'Pause campaign {name}',
    'camp.resumeLabel': 'Resume campaign {name}',
    'camp.paused': 'Campaign {name} paused; it is not dialled while paused.',
    'camp.resumed': 'Campaign {name} resumed.',
    'camp.saved': 'Campaign {name} saved.',
    'camp.f.hoursAll': 'Same for every day',
    'camp.f.hoursFill': 'Fill every day',
    'camp.f.save': 'Save changes',
    'camp.f.cancel': 'Cancel editing',
    'camp.f.fixErrors': 'Please correct the marked field.',
    'day.mon': 'Mon',
    'day.tue': 'Tue',
    'day.wed': 'Wed',
    'day.thu': 'Thu',
    'day.fri': 'Fri',
    'day.sat': 'Sat',
    'day.sun': 'Sun',
    'kind.csi': 'CSI after-sales',
    'kind.ssi': 'SSI sales',
    'kind.other': 'Other',
    'basis.service_date': 'the workshop visit',
    'basis.sale_date': 'delivery',
    'basis.order_date': 'the order',
    'mode.preview': 'Preview',
    'mode.progressive': 'Progressive',
    'mode.predictive': 'Predictive',
    'rec.all': 'Record all',
    'rec.on_demand': 'On demand',
    'rec.none': 'No recording',
    'dealer.heading': 'Dealers',
    'dealer.code': 'Code',
    'dealer.name': 'Name',
    'dealer.add': 'Add dealer',
    'dealer.created': 'Dealer added.',
    'imp.heading': 'Import a DMS list',
    'imp.campaign': 'Campaign',
    'imp.dealer': 'Dealer',
    'imp.file': 'File (CSV or XLSX)',
    'imp.dryRun': 'Check only, write nothing',
    'imp.submit': 'Upload and import',
    'imp.noFile': 'Choose a file.',
    'imp.uploading': 'Uploading… {pct}%',
    'imp.reading': 'Checking… {done} rows read',
    'imp.writing': 'Writing… {done} / {total} rows',
    'imp.status.loaded': 'Imported',
    'imp.status.validated': 'Checked (nothing written)',
    'imp.status.failed': 'Import failed; nothing was written',
    'imp.status.duplicate': 'This file was imported before; nothing changed',
    'imp.status.running': 'Running',
    'imp.r.status': 'Result',
    'imp.r.rowsRead': 'Rows read',
    'imp.r.accepted': 'Customers to call',
    'imp.r.flagged': 'Special records',
    'imp.r.rejected': 'Rows rejected',
    'imp.r.duplicates': 'Duplicate phones (different customers)',
    'imp.r.alreadyPresent': 'Rows imported before',
    'imp.r.encoding': 'Encoding',
    'imp.r.row': 'Row',
    'imp.r.column': 'Column',
    'imp.r.value': 'Value',
    'imp.r.reason': 'Reason',
    'special.pdi': 'PDI',
    'special.stock': 'Stock vehicle',
    'special.company': 'Company car',
    'special.refused_phone': 'Refused to leave a phone',
    'special.refused_callback': 'Refused callbacks',
    'special.not_owner': 'Not the owner',
    'special.other': 'Other special',
    'dq.heading': 'Data-quality audit',
    'dq.perDealer': 'Per dealer',
    'dq.month': 'Month',
    'dq.show': 'Show',
    'dq.allCampaigns': 'All campaigns',
    'dq.empty': 'No dealer data.',
    'dq.col.dealer': 'Dealer',
    'dq.col.customers': 'Customers',
    'dq.col.duplicates': 'Duplicate phones',
    'dq.col.refusals': 'Refusals',
    'dq.col.unusable': 'No usable number',
    'dq.col.openOrders': 'Open work orders',
    'dq.col.special': 'Special records',
    'dq.col.volume': 'Volume (declared / uploaded)',
    'dq.col.result': 'Result',
    'dq.ok': 'No problems found',
    'dq.problem.duplicate_phones': 'duplicate phones',
    'dq.problem.unusable_phones': 'unusable numbers',
    'dq.problem.work_orders_open': 'open work orders',
    'dq.problem.volume_mismatch': 'volume mismatch',
    'dq.problem.volume_not_declared': 'volume not declared'
  }
};

let current = readStoredLang();
const listeners = new Set();

function readStoredLang() {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return LANGS.includes(v) ? v : DEFAULT_LANG;
  } catch {
    return DEFAULT_LANG;
  }
}

export function getLang() {
  return current;
}

export function has(key) {
  return Object.prototype.hasOwnProperty.call(dict[current], key);
}

/** Translated text for key; {name} placeholders are filled from params. Unknown keys show the key. */
export function t(key, params) {
  let s = dict[current][key];
  if (s === undefined) s = dict[DEFAULT_LANG][key];
  if (s === undefined) {
    console.warn('i18n: missing key', key);
    s = key;
  }
  if (params) {
    s = s.replace(/\{(\w+)\}/g, (m, name) =>
      Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : m);
  }
  return s;
}

/** Sets the text of el to t(key, params) and remembers key/params so a language switch re-translates it. */
export function setText(el, key, params) {
  el.dataset.i18n = key;
  if (params) el.dataset.i18nArgs = JSON.stringify(params);
  else delete el.dataset.i18nArgs;
  el.textContent = t(key, params);
  return el;
}

function argsOf(el) {
  if (!el.dataset.i18nArgs) return undefined;
  try {
    return JSON.parse(el.dataset.i18nArgs);
  } catch {
    return undefined;
  }
}

/** Translates root and everything below it that carries data-i18n* attributes. */
export function applyI18n(root = document) {
  const scope = root.querySelectorAll ? root : document;
  const pick = (sel) => {
    const found = Array.from(scope.querySelectorAll(sel));
    if (scope !== document && scope.matches && scope.matches(sel)) found.unshift(scope);
    return found;
  };
  for (const el of pick('[data-i18n]')) el.textContent = t(el.dataset.i18n, argsOf(el));
  for (const el of pick('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of pick('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
  for (const el of pick('[data-i18n-aria-label]')) el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel));
  if (root === document) document.documentElement.lang = current;
}

/** Switches the language, stores it, re-translates the page and tells the listeners. */
export function setLang(lang) {
  if (!LANGS.includes(lang)) return;
  current = lang;
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    /* private mode: keep it for this page only */
  }
  applyI18n(document);
  for (const fn of listeners) fn(lang);
}

/** fn(lang) after every language switch (for texts that are formatted, e.g. dates). */
export function onLangChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Formats an ISO timestamp as "2025-03-18 14:20" in local time (same in both languages: compact, unambiguous). */
export function formatDateTime(iso, withSeconds = false) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const p = (n) => String(n).padStart(2, '0');
  const date = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
  const time = `${p(d.getHours())}:${p(d.getMinutes())}${withSeconds ? `:${p(d.getSeconds())}` : ''}`;
  return `${date} ${time}`;
}

export function formatTime(date) {
  return new Intl.DateTimeFormat(current, {
    hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false
  }).format(date);
}

/** Builds the 中文 / English switch; keeps aria-pressed in sync. */
export function languageSwitch() {
  const group = document.createElement('div');
  group.className = 'lang-switch';
  group.setAttribute('role', 'group');
  group.dataset.i18nAriaLabel = 'lang.switch';
  group.setAttribute('aria-label', t('lang.switch'));
  const buttons = LANGS.map((lang) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.lang = lang;
    b.textContent = lang === 'en' ? t('lang.en') : t('lang.zh');
    b.addEventListener('click', () => setLang(lang));
    group.append(b);
    return b;
  });
  const sync = () => buttons.forEach((b) => b.setAttribute('aria-pressed', String(b.lang === current)));
  sync();
  onLangChange(sync);
  return group;
}

document.documentElement.lang = current;
