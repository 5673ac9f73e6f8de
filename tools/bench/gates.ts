/**
 * Live gates for the bench and the scan profile, built through the API as the mini-program builds them: a site per
 * gate with one senior on duty there (API.md v1.1). Calls go over the local cloud's HTTP form, as the
 * mini-program's requests do. The people the gates scan are the seeded province's (seed.ts, seedPersons).
 */
import http from 'node:http';
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

/**
 * Node's own HTTP client with kept-alive sockets, not fetch: undici's fetch costs ~0.6 ms of CPU more per request
 * (measured: 8 clients against a server that only echoes, ~800 µs of CPU a request in all threads with fetch,
 * ~220 µs with node:http), and on this machine's two cores the clients' CPU is taken from the local cloud's.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

export function post<T>(
  cloud: Pick<LocalCloud, 'url'>,
  fn: string,
  body: unknown,
  openid: string,
): Promise<Reply<T>> {
  const url = new URL(`${cloud.url}/api/${fn}`);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          'x-wx-openid': openid,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          try {
            resolve(JSON.parse(text) as Reply<T>);
          } catch (error) {
            reject(
              new Error(`${fn}: HTTP ${res.statusCode}, not JSON: ${text.slice(0, 200)} (${String(error)})`),
            );
          }
        });
        res.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
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
