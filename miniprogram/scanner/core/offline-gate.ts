/**
 * The gate without network (API.md 2.3, rule 16), in the scanner subpackage only: the pass checked with WeChat's
 * miniprogram-sm-crypto under the keys cached from `scan.keys`, the decision by the rule every side shares
 * (core/signed-pass.ts), and the words of the decision screen. The main package carries no SM2.
 */
import { sm2 } from 'miniprogram-sm-crypto';
import { COLOR_NAMES } from '../../core/health-code.rules';
import { maskName } from '../../core/identity';
import {
  SM2_USER_ID,
  guestOfflineDecision,
  offlineDecision,
  type OfflineReason,
  type OfflineVerdict,
  type PassKey,
  type Sm2Verify,
} from '../../core/signed-pass';
import { shanghaiClock } from '../../core/calendar';
import { decisionText } from '../../core/views/health-code.view';

/** SM2 with SM3 and the default user id, r‖s (miniprogram-sm-crypto hashes only when asked: `hash: true`). */
export const miniprogramSm2Verify: Sm2Verify = (message, signatureHex, publicKey) =>
  sm2.doVerifySignature(message, signatureHex, publicKey, { hash: true, der: false, userId: SM2_USER_ID });

/** The offline decision on a scanned QR (null: no 吉祥码 at all). */
export function decideOffline(
  qr: string,
  temperature: number,
  keys: readonly PassKey[],
  nowMs: number,
): OfflineVerdict | null {
  return offlineDecision({ qr, temperature, keys, nowMs, verify: miniprogramSm2Verify });
}

export { guestOfflineDecision };

/** Why a scanner without network refused someone, as the decision screen says it. */
export const OFFLINE_REASON_TEXT: Record<OfflineReason, string> = {
  expired: '通行证不在有效期内：请持码人联网后刷新吉祥码',
  stale_step: '二维码不是实时的（疑似截图）：请出示手机上的实时吉祥码',
  not_green: '非绿码，不能离线放行',
  fever: '体温 ≥ 37.3 ℃',
  unknown_key: '签名密钥未知：请联网后重新上岗以更新核验密钥',
  forged: '签名无效，疑似伪造的吉祥码',
  no_pass: '此码不含离线核验签名，无网络时无法核验：请持码人联网刷新吉祥码',
};

export interface OfflineResult {
  /** The color the pass states (bw for a person without a code); empty when no pass verified. */
  color: string;
  colorName: string;
  decision: string;
  allow: boolean;
  name: string;
  /** Why, in words: the reason of a denial, or what was checked for an admission. */
  note: string;
  offline: true;
}

/** The decision screen of a scan decided offline; `guestName` for a person without a code. */
export function offlineResultView(verdict: OfflineVerdict, guestName?: string): OfflineResult {
  const color = guestName !== undefined ? 'bw' : (verdict.claims?.color ?? '');
  const allowed = verdict.decision === 'allow';
  const why = verdict.reason
    ? OFFLINE_REASON_TEXT[verdict.reason]
    : guestName !== undefined
      ? '无码人员，体温正常'
      : `省级签名有效，通行证至 ${shanghaiClock(new Date(verdict.claims!.exp * 1000)).slice(5, 16)}`;
  return {
    color,
    colorName: color ? COLOR_NAMES[color as keyof typeof COLOR_NAMES] : '',
    decision: decisionText(verdict.decision),
    allow: allowed,
    name: guestName !== undefined ? maskName(guestName) : (verdict.claims?.name ?? ''),
    note: `离线核验 · ${why}`,
    offline: true,
  };
}
