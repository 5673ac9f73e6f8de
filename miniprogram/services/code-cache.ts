/**
 * The citizen's dynamic code on the device (API.md 2.2): the last seed from citizen.code, kept so that the QR is
 * redrawn every 30 seconds offline, for up to the seed's 7 days.
 */
import type { CitizenReplies } from '../core/contracts/citizen.contract';
import { SEED_LIFETIME_MS } from '../core/dynamic-code';
import { callCloud, type CloudReply } from './cloud';
import { STORAGE_KEYS, load, save } from './storage';

export type CachedCode = CitizenReplies['code'] & { fetchedAt: string };

export function cachedCode(now: Date): CachedCode | null {
  const code = load<CachedCode | null>(STORAGE_KEYS.code, null);
  if (!code || Date.parse(code.issuedAt) + SEED_LIFETIME_MS < now.getTime()) return null;
  return code;
}

/** Asks for a fresh seed; keeps the cached one when the network is down. */
export async function refreshCode(now: Date): Promise<CloudReply<CachedCode>> {
  const reply = await callCloud('citizen', 'code', {});
  // rule 3: after the epidemic period no code is shown, not even the one kept on the device
  if (!reply.ok && reply.error.code === 'EPIDEMIC_ENDED') save(STORAGE_KEYS.code, null);
  if (!reply.ok) return reply;
  const code = { ...reply.data, fetchedAt: now.toISOString() };
  save(STORAGE_KEYS.code, code);
  return { ok: true, data: code };
}
