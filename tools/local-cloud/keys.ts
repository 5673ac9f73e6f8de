/**
 * The local cloud's secret keys, created on first start under JXM_DATA_DIR/keys (folder 0700, file 0600) and
 * handed to the functions through the same environment variables production sets in the function settings:
 *  - JXM_DATA_KEYS: `{"current":"<key id>","keys":{"<key id>":"<base64 32 bytes>"}}`, AES-256-GCM data keys
 *    (several ids so that keys can rotate: new data uses `current`, old data names its key id);
 *  - JXM_INDEX_KEY: base64 32 bytes, the HMAC key of blind indexes such as idHash.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LocalKeys {
  dataKeys: { current: string; keys: Record<string, string> };
  indexKey: string;
}

export function loadOrCreateKeys(dataDir: string): { keys: LocalKeys; created: boolean; file: string } {
  const dir = join(dataDir, 'keys');
  const file = join(dir, 'local-keys.json');
  if (existsSync(file))
    return { keys: JSON.parse(readFileSync(file, 'utf8')) as LocalKeys, created: false, file };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const keyId = `k${new Date().toISOString().slice(0, 10).replace(/-/g, '')}`;
  const keys: LocalKeys = {
    dataKeys: { current: keyId, keys: { [keyId]: randomBytes(32).toString('base64') } },
    indexKey: randomBytes(32).toString('base64'),
  };
  writeFileSync(file, JSON.stringify(keys, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
  return { keys, created: true, file };
}

export function exportKeysToEnv(keys: LocalKeys): void {
  process.env.JXM_DATA_KEYS = JSON.stringify(keys.dataKeys);
  process.env.JXM_INDEX_KEY = keys.indexKey;
}
