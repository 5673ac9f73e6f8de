/**
 * The local cloud's secret keys, created on first start under JXM_DATA_DIR/keys (folder 0700, file 0600) and
 * handed to the functions through the same environment variables production sets in the function settings:
 *  - JXM_DATA_KEYS: `{"current":"<key id>","keys":{"<key id>":"<base64 32 bytes>"}}`, AES-256-GCM data keys
 *    (several ids so that keys can rotate: new data uses `current`, old data names its key id);
 *  - JXM_INDEX_KEY: base64 32 bytes, the HMAC key of blind indexes such as idHash;
 *  - JXM_PASS_KID, JXM_PASS_PRIVATE_KEY, JXM_PASS_NOT_BEFORE: the SM2 key that signs the passes (API.md 2.3), in
 *    its own file `pass-key.json`, so that a data folder from before the passes gets one at its next start.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newPassKeyPair } from '../../cloudfunctions/_server/privacy/pass';

/** The local SM2 pass-signing key (API.md 2.3): its id, the pair as hex, and when it began to sign. */
export interface LocalPassKey {
  kid: string;
  privateKey: string;
  publicKey: string;
  notBefore: string;
}

export interface LocalKeys {
  dataKeys: { current: string; keys: Record<string, string> };
  indexKey: string;
  pass: LocalPassKey;
}

/** `<prefix>yyyymmdd`, the day the key was made. */
const keyIdOf = (prefix: string) => `${prefix}${new Date().toISOString().slice(0, 10).replace(/-/g, '')}`;

function keysFolder(dataDir: string): string {
  const dir = join(dataDir, 'keys');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  return dir;
}

function loadOrCreatePassKey(dir: string): { key: LocalPassKey; created: boolean } {
  const file = join(dir, 'pass-key.json');
  if (existsSync(file))
    return { key: JSON.parse(readFileSync(file, 'utf8')) as LocalPassKey, created: false };
  const key: LocalPassKey = { kid: keyIdOf('p'), ...newPassKeyPair(), notBefore: new Date().toISOString() };
  writeFileSync(file, JSON.stringify(key, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
  return { key, created: true };
}

export function loadOrCreateKeys(dataDir: string): { keys: LocalKeys; created: boolean; file: string } {
  const dir = keysFolder(dataDir);
  const file = join(dir, 'local-keys.json');
  const pass = loadOrCreatePassKey(dir);
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Omit<LocalKeys, 'pass'>;
    return { keys: { ...stored, pass: pass.key }, created: pass.created, file };
  }
  const keyId = keyIdOf('k');
  const keys: Omit<LocalKeys, 'pass'> = {
    dataKeys: { current: keyId, keys: { [keyId]: randomBytes(32).toString('base64') } },
    indexKey: randomBytes(32).toString('base64'),
  };
  writeFileSync(file, JSON.stringify(keys, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
  return { keys: { ...keys, pass: pass.key }, created: true, file };
}

export function exportKeysToEnv(keys: LocalKeys): void {
  process.env.JXM_DATA_KEYS = JSON.stringify(keys.dataKeys);
  process.env.JXM_INDEX_KEY = keys.indexKey;
  process.env.JXM_PASS_KID = keys.pass.kid;
  process.env.JXM_PASS_PRIVATE_KEY = keys.pass.privateKey;
  process.env.JXM_PASS_NOT_BEFORE = keys.pass.notBefore;
}
