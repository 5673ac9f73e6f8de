/**
 * The province's pass-signing public keys on the scanner's phone (API.md 2.3): fetched with `scan.keys` whenever
 * the scan page opens after going on duty, kept with wx.setStorageSync, and used to check passes while the network
 * is down. A failed fetch keeps the keys already held.
 */
import type { PassKey } from '../../core/signed-pass';
import { callCloud } from '../../services/cloud';
import { STORAGE_KEYS, load, save } from '../../services/storage';

export interface CachedPassKeys {
  keys: PassKey[];
  fetchedAt: string;
}

export function cachedPassKeys(): PassKey[] {
  return load<CachedPassKeys | null>(STORAGE_KEYS.passKeys, null)?.keys ?? [];
}

/** Asks for the current keys; true when they were refreshed. */
export async function refreshPassKeys(now: Date): Promise<boolean> {
  const reply = await callCloud('scan', 'keys', {});
  if (!reply.ok) return false;
  save<CachedPassKeys>(STORAGE_KEYS.passKeys, { keys: reply.data.keys, fetchedAt: now.toISOString() });
  return true;
}
