/**
 * The subscribe message of an alert push (rule 15: 平台推送; API.md v1.1): the site, the kind and the time, never a
 * person, within the template's field limits (`thing` ≤ 20 characters, `phrase` ≤ 5, `time` a date and time).
 * The template (subscribe message 「异常情况提醒」, chosen in the mini-program's console) has the keywords
 * thing1 站点, phrase2 类型, time3 时间, thing4 提示; its id is JXM_PUSH_TEMPLATE_ID. Pure.
 */
import type { AlertKind } from '../../../miniprogram/core/contracts/records.contract';
import { plainVariable } from '../../../miniprogram/core/text';

/** The page the message opens: the agency's desk (admin subpackage). */
export const PUSH_PAGE = 'admin/agency/agency';

/** Most characters of a `thing` value; of a `phrase` value. */
export const THING_MAX = 20;
export const PHRASE_MAX = 5;

/** The kind in at most five characters (a `phrase` value). */
export const PUSH_KIND_WORDS: Record<AlertKind, string> = {
  fever: '体温异常',
  color: '健康码异常',
  replay: '疑似冒用',
  forced_entry: '强行闯入',
  stale_pass: '离线误放',
};

const UNNAMED_SITE = '辖区内站点';

/** `2026年12月01日 13:05` in Asia/Shanghai, the form a `time` keyword takes. */
export function pushTime(at: Date): string {
  const t = new Date(at.getTime() + 8 * 3600_000).toISOString();
  return `${t.slice(0, 4)}年${t.slice(5, 7)}月${t.slice(8, 10)}日 ${t.slice(11, 16)}`;
}

export function alertPushData(
  siteName: string,
  kind: AlertKind,
  at: Date,
): Record<string, { value: string }> {
  return {
    thing1: { value: plainVariable(siteName, THING_MAX) || UNNAMED_SITE },
    phrase2: { value: PUSH_KIND_WORDS[kind] },
    time3: { value: pushTime(at) },
    thing4: { value: '请登录吉事办有关部门工作台处置' },
  };
}
