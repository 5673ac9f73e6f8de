/**
 * Live gates for the bench and the scan profile, built through the API as the mini-program builds them: a site per
 * gate with one senior on duty there (API.md v1.1). Calls go over the local cloud's HTTP form, as the
 * mini-program's requests do. The people the gates scan are the seeded province's (seed.ts, seedPersons).
 */
import { INITIATOR_POSITION_ID } from '../../cloudfunctions/_server/org/bootstrap';
import type { LocalCloud } from '../local-cloud/local-cloud';
import { syntheticIdentity } from './seed';

export const AT_GATE = { latitude: 43.9, longitude: 125.3 };

export interface Gate {
  id: string;
  openid: string;
  siteId: string;
}

export interface Citizen {
  codeId: string;
  seed: string;
}

export interface Reply<T> {
  ok: boolean;
  data?: T;
  error?: { code: string };
}

export async function post<T>(
  cloud: Pick<LocalCloud, 'url'>,
  fn: string,
  body: unknown,
  openid: string,
): Promise<Reply<T>> {
  const res = await fetch(`${cloud.url}/api/${fn}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-wx-openid': openid },
    body: JSON.stringify(body),
  });
  return (await res.json()) as Reply<T>;
}

export async function must<T>(cloud: LocalCloud, fn: string, body: unknown, openid: string): Promise<T> {
  const reply = await post<T>(cloud, fn, body, openid);
  if (!reply.ok)
    throw new Error(`${fn}.${(body as { action: string }).action} failed: ${JSON.stringify(reply.error)}`);
  return reply.data as T;
}

type Progress = (label: string, done: number, total: number) => void;

/** `count` gates, each its own station site under the root with a senior on duty at AT_GATE. */
export async function openGates(
  cloud: LocalCloud,
  count: number,
  initiatorOpenid: string,
  progress: Progress = () => undefined,
): Promise<Gate[]> {
  const gates: Gate[] = [];
  for (let i = 0; i < count; i++) {
    const site = await must<{ siteId: string }>(
      cloud,
      'org',
      {
        action: 'createSite',
        actingPositionId: INITIATOR_POSITION_ID,
        name: `长春站${i + 1}号口`,
        type: 'station',
        address: '长春',
        location: AT_GATE,
        regionCode: '220104',
      },
      initiatorOpenid,
    );
    const openid = `bench-scanner-${i}`;
    const who = syntheticIdentity(900_000 + i);
    await must(cloud, 'citizen', { action: 'register', ...who }, openid);
    const created = await must<{ positionId: string; inviteCode: string }>(
      cloud,
      'org',
      {
        action: 'createPosition',
        actingPositionId: INITIATOR_POSITION_ID,
        siteId: site.siteId,
        role: 'senior',
        holderName: who.name,
        holderPhone: who.phone,
      },
      initiatorOpenid,
    );
    await must(cloud, 'org', { action: 'claim', inviteCode: created.inviteCode }, openid);
    await must(
      cloud,
      'scan',
      { action: 'goOnDuty', positionId: created.positionId, location: AT_GATE },
      openid,
    );
    gates.push({ id: created.positionId, openid, siteId: site.siteId });
    progress('opening gates', i + 1, count);
  }
  return gates;
}
