/**
 * The error codes of the cloud API (API.md section 5), each with the Chinese message a citizen or scanner sees
 * when the server has nothing more specific to say. One list for the server and the mini-program.
 */
export const ERROR_MESSAGES = {
  BAD_REQUEST: '请求参数有误',
  UNKNOWN_ACTION: '不支持的操作',
  NO_IDENTITY: '无法确认您的微信身份，请重新进入小程序',
  INTERNAL: '系统繁忙，请稍后再试',
  NOT_REGISTERED: '您还没有注册吉祥码',
  ALREADY_REGISTERED: '该微信账号已注册吉祥码',
  ID_TAKEN: '该身份证号已被其他微信账号注册',
  ID_INVALID: '身份证号码校验失败',
  NAME_INVALID: '姓名格式不正确',
  PHONE_INVALID: '手机号码格式不正确',
  USCC_INVALID: '统一社会信用代码校验失败',
  REALNAME_MISMATCH: '姓名与身份证号不一致，实名核验未通过',
  REALNAME_UNAVAILABLE: '实名核验服务暂时不可用，请稍后再试',
  FORBIDDEN: '您没有权限进行此操作',
  NOT_FOUND: '记录不存在',
  NOT_HOLDER: '您不是该扫码员账号的持有人',
  POSITION_DISABLED: '该扫码员账号已被禁用',
  ROLE_CANNOT_SCAN: '该账号不能上岗扫码（发起扫码员和有关部门不扫码）',
  SCANNER_CODE_NOT_GREEN: '扫码员本人吉祥码须为绿码方可上岗',
  LOCATION_DEVIATION: '扫码位置与站点地址偏离过大，账号已自动禁用',
  NOT_ON_DUTY: '请先选择角色上岗',
  QR_INVALID: '无效的吉祥码',
  QR_EXPIRED: '吉祥码已过期，请刷新后再扫',
  TEMPERATURE_INVALID: '体温数值不合理，请重新测量',
  GUEST_INVALID: '无码人员信息不完整或有误',
  INVITE_INVALID: '邀请码无效或已使用',
  INVITE_EXPIRED: '邀请码已过期',
  CONFLICT: '操作冲突，请刷新后重试',
  NO_GRANT: '未获得查阅授权或授权已过期',
  LOCATION_REQUIRED: '未获取到当前位置，请开启定位后再扫码',
  EPIDEMIC_ENDED: '本次疫情防控期已结束，吉祥码不再收集健康信息',
} as const;

export type ErrorCode = keyof typeof ERROR_MESSAGES;

export const ERROR_CODES = Object.keys(ERROR_MESSAGES) as ErrorCode[];

/** Per-field reasons for form errors, e.g. `{ idNumber: 'checksum' }`. */
export type FieldErrors = Record<string, string>;

export interface ApiError {
  code: ErrorCode;
  message: string;
  fields?: FieldErrors;
}

/** What every action returns (API.md section 1). */
export type Envelope<T> = { ok: true; data: T } | { ok: false; error: ApiError };
