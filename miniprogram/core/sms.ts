/**
 * The status-change SMS of regulation rule 10 ("任何扫码员账号状态发生变化，平台都会向其预留的手机号发送状态变更的
 * 提醒短信"): one template per change, in Chinese, with no personal data in it. Pure.
 *
 * The site's name is typed by people (API.md 2, v1.1): whatever is stored — names from before the rules of
 * core/text.ts were enforced too — goes into the text as a plain variable of at most 20 characters, without
 * quotes, links, control or bidirectional characters (`plainVariable`), so that an official SMS never carries a
 * link or a quote that a name supplied.
 */
import { ROLE_NAMES, type DisableReason, type Role } from './org';
import { plainVariable } from './text';

export const SMS_TEMPLATES = [
  'position_created',
  'position_claimed',
  'position_claimed_disabled',
  'position_replaced',
  'position_handed_over',
  'position_disabled',
  'position_activated',
] as const;
export type SmsTemplate = (typeof SMS_TEMPLATES)[number];

export interface SmsParams {
  siteName: string;
  role: Role;
  reason?: DisableReason;
}

export const DISABLE_REASON_TEXT: Record<DisableReason, string> = {
  manual: '上级扫码员禁用',
  cascade: '上级账号被禁用',
  silent: '15天内未登录或操作',
  geofence: '扫码位置与站点地址偏离过大',
};

/** Most characters of one variable of an SMS template (production templates limit each variable). */
export const SMS_VARIABLE_MAX = 20;
/** What an SMS says for a site whose name leaves nothing printable. */
const UNNAMED_SITE = '所在站点';

/** The params as they may go into an SMS: the site's name made a plain variable (see above). */
export function smsParams(params: SmsParams): SmsParams {
  const siteName = plainVariable(String(params.siteName ?? ''), SMS_VARIABLE_MAX) || UNNAMED_SITE;
  return { ...params, siteName };
}

export function smsText(template: SmsTemplate, raw: SmsParams): string {
  const params = smsParams(raw);
  const account = `“${params.siteName}”的${ROLE_NAMES[params.role]}账号`;
  switch (template) {
    case 'position_created':
      return `【吉祥码】您已被指定为${account}持有人，请在72小时内凭邀请码在“吉事办”小程序“码上行动”中认领。`;
    case 'position_claimed':
      return `【吉祥码】您已认领${account}，账号已启用。`;
    case 'position_claimed_disabled':
      return `【吉祥码】您已认领${account}，该账号目前处于禁用状态，请向上一级扫码员申请激活。`;
    case 'position_replaced':
      return `【吉祥码】您已被指定接替${account}，请在72小时内凭邀请码在“吉事办”小程序“码上行动”中认领。`;
    case 'position_handed_over':
      // to the old holder of a replaced position (API.md v1.1): the account has passed to someone else, unnamed
      return `【吉祥码】您的${account}已移交他人，您不能再使用该账号。如有疑问，请联系上一级扫码员。`;
    case 'position_disabled':
      return `【吉祥码】您的${account}已被禁用（${DISABLE_REASON_TEXT[params.reason ?? 'manual']}）。如需恢复，请向上一级扫码员申请激活。`;
    case 'position_activated':
      return `【吉祥码】您的${account}已被激活，可正常使用。`;
  }
}
