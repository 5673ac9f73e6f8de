/**
 * An invitation as the claim page shows it (API.md `claim`; the extension `previewInvite`, docs/api.md): the role
 * and the site the code is for, before the invited person confirms, and what they hold afterwards. Pure.
 */
import type { OrgReplies } from '../../core/contracts/org.contract';
import { ERROR_MESSAGES, type ErrorCode } from '../../core/errors';
import { ROLE_NAMES } from '../../core/org';
import { shanghaiClock } from '../../core/calendar';
import { SITE_TYPE_NAMES } from '../../core/org';

export interface InviteView {
  /** 高级扫码员 … */
  role: string;
  site: string;
  siteType: string;
  /** When the code stops being accepted (Asia/Shanghai). */
  expires: string;
}

export function invitePreviewView(preview: OrgReplies['previewInvite']): InviteView {
  return {
    role: ROLE_NAMES[preview.role],
    site: preview.site.name,
    siteType: SITE_TYPE_NAMES[preview.site.type] ?? preview.site.type,
    expires: shanghaiClock(new Date(preview.expiresAt)).slice(0, 16),
  };
}

/** What the person holds once the claim went through. */
export function claimedText(claimed: OrgReplies['claim']): string {
  return `您已成为“${claimed.site.name}”的${ROLE_NAMES[claimed.role]}`;
}

export interface InviteProblem {
  /** Under the code field. */
  hint: string;
  /** The person has no code yet: offer the registration. */
  needsRegistration: boolean;
}

/**
 * Why a code was not taken, in words the person can act on. The server's message is kept where it says more than
 * the code's name (the invitation is for another name or phone: INVITE_INVALID with its own message).
 */
export function inviteProblem(error: { code: ErrorCode | 'NETWORK'; message: string }): InviteProblem {
  switch (error.code) {
    case 'INVITE_EXPIRED':
      return { hint: '邀请码已超过72小时，请联系邀请您的扫码员重新邀请', needsRegistration: false };
    case 'NOT_REGISTERED':
      return {
        hint: '认领前请先用受邀的姓名和手机号实名注册吉祥码',
        needsRegistration: true,
      };
    case 'BAD_REQUEST':
      return { hint: '请输入短信中的10位邀请码', needsRegistration: false };
    case 'INVITE_INVALID':
      return {
        hint:
          error.message === ERROR_MESSAGES.INVITE_INVALID
            ? '邀请码无效或已使用，请核对短信中的10位邀请码'
            : error.message,
        needsRegistration: false,
      };
    default:
      return { hint: error.message, needsRegistration: false };
  }
}

/** The code as typed, as the server reads it: spaces and dashes dropped, upper case (docs/api.md `claim`). */
export function typedInviteCode(typed: string): string {
  return typed.replace(/[\s-]/g, '').toUpperCase();
}
