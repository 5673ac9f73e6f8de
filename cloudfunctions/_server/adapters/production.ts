/**
 * The production adapters of the ports, for WeChat Cloud. The local cloud replaces them with its stand-ins
 * (tools/local-cloud/services.ts) through `__jxmLocalCloud`.
 */
import { NATIONAL_STATUSES, type NationalStatus } from '../../../miniprogram/core/health-code.rules';
import {
  ServiceUnavailable,
  type NationalHealthService,
  type NationalRecord,
  type RealnameVerifier,
} from '../ports';
import { callGateway, gatewayConfigFromEnv } from './gateway';

/** JXM_REALNAME_*: POST { name, idNumber } → { result: "match" | "mismatch" }. */
export const gatewayRealnameVerifier: RealnameVerifier = {
  async verify(identity) {
    const answer = (await callGateway(
      gatewayConfigFromEnv('realname', 'JXM_REALNAME'),
      identity,
      'realname',
    )) as {
      result?: unknown;
    };
    if (answer?.result === 'match' || answer?.result === 'mismatch') return answer.result;
    throw new ServiceUnavailable('realname');
  },
};

const toDate = (value: unknown): Date | null => {
  if (typeof value !== 'string') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
};

/** JXM_NATIONAL_*: POST { idNumber } → { status, quarantineUntil?, flaggedAt? } (ISO-8601). */
export const gatewayNationalHealthService: NationalHealthService = {
  async check(identity): Promise<NationalRecord> {
    const answer = (await callGateway(
      gatewayConfigFromEnv('national', 'JXM_NATIONAL'),
      { idNumber: identity.idNumber },
      'national',
    )) as { status?: unknown; quarantineUntil?: unknown; flaggedAt?: unknown };
    if (!(NATIONAL_STATUSES as readonly unknown[]).includes(answer?.status))
      throw new ServiceUnavailable('national');
    return {
      status: answer.status as NationalStatus,
      quarantineUntil: toDate(answer.quarantineUntil),
      flaggedAt: toDate(answer.flaggedAt),
    };
  },
};
