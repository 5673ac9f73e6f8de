/** The `health` function (provincial data): params, replies, and the error codes each action can answer. */
import type { ErrorCode } from '../errors';
import { RISK_STATUSES, type Color } from '../health-code.rules';
import { v, type Infer } from '../validation';

/** Rows in one importRiskList call (API.md v1.1): a file is sent in batches of at most this many. */
export const RISK_LIST_MAX_ROWS = 1_000;

const positionId = v.string({ max: 64 });

export const healthParams = {
  importRiskList: v.object({
    actingPositionId: positionId,
    source: v.freeText(100),
    rows: v.array(
      v.object({
        idNumber: v.string({ max: 30 }),
        status: v.oneOf(RISK_STATUSES),
        quarantineUntil: v.optional(v.dateTime()),
      }),
      { min: 1, max: RISK_LIST_MAX_ROWS },
    ),
  }),
  setColor: v.object({
    actingPositionId: positionId,
    personId: v.string({ max: 64 }),
    color: v.oneOf(['green', 'yellow', 'orange', 'red'] as const),
    reason: v.freeText(200),
  }),
  findPerson: v.object({
    actingPositionId: positionId,
    idNumber: v.string({ max: 30 }),
    reason: v.freeText(200),
  }),
};

/** The masked identity a reply may show (API.md 2). */
export interface MaskedPerson {
  name: string;
  idNumber: string;
  phone: string;
}

export interface HealthReplies {
  importRiskList: { matched: number; updated: number; unknown: number };
  setColor: { color: Color };
  findPerson: { personId: string; masked: MaskedPerson; color: Color };
}

export type HealthAction = keyof typeof healthParams;
export type HealthParams<A extends HealthAction> = Infer<(typeof healthParams)[A]>;

export const HEALTH_ERRORS: Record<HealthAction, readonly ErrorCode[]> = {
  importRiskList: ['BAD_REQUEST', 'FORBIDDEN', 'POSITION_DISABLED', 'ID_INVALID'],
  setColor: ['BAD_REQUEST', 'FORBIDDEN', 'POSITION_DISABLED', 'NOT_FOUND'],
  findPerson: ['BAD_REQUEST', 'FORBIDDEN', 'POSITION_DISABLED', 'ID_INVALID', 'NOT_FOUND'],
};
