/** The `citizen` function (吉事办): params, replies, and the error codes each action can answer. */
import type { ErrorCode } from '../errors';
import { COLORS, SYMPTOMS, type Color, type ColorReason } from '../health-code.rules';
import { listParams, v, type Infer } from '../validation';

export const citizenParams = {
  register: v.object({
    name: v.string({ max: 60 }),
    idNumber: v.string({ max: 30 }),
    phone: v.string({ max: 20 }),
  }),
  profile: v.object({}),
  checkIn: v.object({
    symptoms: v.array(v.oneOf(SYMPTOMS), { min: 1, max: SYMPTOMS.length }),
    temperature: v.optional(v.number()),
    contact: v.boolean(),
    travel: v.optional(v.freeText(200, { min: 0, lines: true })),
  }),
  code: v.object({}),
  history: v.object({ ...listParams }),
  /** Extension: the caller's own mobile from WeChat's getPhoneNumber button, to fill the registration form. */
  phoneNumber: v.object({ code: v.string({ max: 200 }) }),
};

export interface MaskedIdentityView {
  name: string;
  idNumber: string;
  phone: string;
}

export interface CitizenReplies {
  register: { personId: string; masked: MaskedIdentityView; color: Color };
  profile: {
    personId: string;
    masked: MaskedIdentityView;
    color: Color;
    colorReason: ColorReason;
    colorSince: string;
    checkedInToday: boolean;
  };
  checkIn: { date: string; color: Color };
  code: {
    codeId: string;
    seed: string;
    stepSeconds: number;
    window: number;
    color: Color;
    colorReason: ColorReason;
    issuedAt: string;
    /**
     * v1.1 (API.md 2.3): the signed pass `<payload>.<signature>` the phone draws as JXM2 until it expires; null when
     * the deployment has no pass-signing key.
     */
    pass: string | null;
  };
  history: {
    items: Array<{
      scanId: string;
      at: string;
      siteName: string;
      color: Color;
      temperature: number;
      decision: 'allow' | 'deny';
    }>;
    next: string | null;
  };
  /** null when WeChat could not tell: the form falls back to typed entry. */
  phoneNumber: { phone: string | null };
}

export type CitizenAction = keyof typeof citizenParams;
export type CitizenParams<A extends CitizenAction> = Infer<(typeof citizenParams)[A]>;

export const CITIZEN_ERRORS: Record<CitizenAction, readonly ErrorCode[]> = {
  register: [
    'BAD_REQUEST',
    'NAME_INVALID',
    'ID_INVALID',
    'PHONE_INVALID',
    'ALREADY_REGISTERED',
    'ID_TAKEN',
    'REALNAME_MISMATCH',
    'REALNAME_UNAVAILABLE',
  ],
  profile: ['BAD_REQUEST', 'NOT_REGISTERED'],
  checkIn: ['BAD_REQUEST', 'NOT_REGISTERED', 'TEMPERATURE_INVALID', 'EPIDEMIC_ENDED'],
  code: ['BAD_REQUEST', 'NOT_REGISTERED', 'EPIDEMIC_ENDED'],
  history: ['BAD_REQUEST', 'NOT_REGISTERED'],
  phoneNumber: ['BAD_REQUEST'],
};

export { COLORS };
