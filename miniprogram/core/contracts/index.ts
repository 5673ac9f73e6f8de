/**
 * Every cloud function's contract in one map, so that the client's `callCloud(fn, action, params)` is typed from
 * the same schemas the server validates with.
 */
import type { Infer } from '../validation';
import { citizenParams, type CitizenReplies } from './citizen.contract';
import { healthParams, type HealthReplies } from './health.contract';
import { orgParams, type OrgReplies } from './org.contract';
import { recordsParams, type RecordsReplies } from './records.contract';
import { scanParams, type ScanReplies } from './scan.contract';

export interface Contracts {
  citizen: { params: typeof citizenParams; replies: CitizenReplies };
  scan: { params: typeof scanParams; replies: ScanReplies };
  org: { params: typeof orgParams; replies: OrgReplies };
  records: { params: typeof recordsParams; replies: RecordsReplies };
  health: { params: typeof healthParams; replies: HealthReplies };
}

export type ClientFunction = keyof Contracts;
export type ActionOf<F extends ClientFunction> = keyof Contracts[F]['params'] &
  keyof Contracts[F]['replies'] &
  string;
/** What travels on the wire: dates as ISO-8601 strings. */
export type Wire<T> = T extends Date
  ? string
  : T extends Array<infer E>
    ? Array<Wire<E>>
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

export type ParamsOf<F extends ClientFunction, A extends ActionOf<F>> = Wire<
  Infer<Contracts[F]['params'][A]>
>;
export type ReplyOf<F extends ClientFunction, A extends ActionOf<F>> = Contracts[F]['replies'][A];
