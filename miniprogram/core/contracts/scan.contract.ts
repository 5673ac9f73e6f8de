/** The `scan` function (码上行动 scan mode): params, replies, and the error codes each action can answer. */
import type { ErrorCode } from '../errors';
import type { PositionStatus, Role, SiteType } from '../org';
import { v, type Infer } from '../validation';

export const scanParams = {
  roles: v.object({}),
};

export interface ScanReplies {
  roles: {
    items: Array<{
      positionId: string;
      role: Role;
      status: PositionStatus;
      site: { id: string; name: string; type: SiteType };
    }>;
  };
}

export type ScanAction = keyof typeof scanParams;
export type ScanParams<A extends ScanAction> = Infer<(typeof scanParams)[A]>;

export const SCAN_ERRORS: Record<ScanAction, readonly ErrorCode[]> = {
  roles: ['BAD_REQUEST'],
};
