/**
 * Personal data at rest (regulation rule 3, DESIGN.md section 4).
 *
 * - Sealed values: AES-256-GCM under the current data key, stored as `v1.<keyId>.<iv>.<ciphertext>.<tag>`
 *   (base64url). The key id travels with the value, so keys can rotate: new values use `current`, old values are
 *   opened with the key they name.
 * - Blind indexes: HMAC-SHA256 under a separate index key, for uniqueness and risk-list matching without
 *   decrypting (`idHash`).
 * Keys come from the function's environment: JXM_DATA_KEYS and JXM_INDEX_KEY (the local cloud creates its own).
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

export interface KeyRing {
  current: string;
  keys: ReadonlyMap<string, Buffer>;
  indexKey: Buffer;
}

export class KeyConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyConfigurationError';
  }
}

function decodeKey(name: string, value: unknown): Buffer {
  const key = typeof value === 'string' ? Buffer.from(value, 'base64') : Buffer.alloc(0);
  if (key.length !== 32) throw new KeyConfigurationError(`${name} must be 32 bytes, base64`);
  return key;
}

let cached: { source: string; ring: KeyRing } | null = null;

/** The key ring from JXM_DATA_KEYS / JXM_INDEX_KEY; a function without keys refuses to touch personal data. */
export function keyRingFromEnv(env: NodeJS.ProcessEnv = process.env): KeyRing {
  const source = `${env.JXM_DATA_KEYS ?? ''}|${env.JXM_INDEX_KEY ?? ''}`;
  if (cached && cached.source === source) return cached.ring;
  if (!env.JXM_DATA_KEYS || !env.JXM_INDEX_KEY) {
    throw new KeyConfigurationError(
      'JXM_DATA_KEYS and JXM_INDEX_KEY must be set in the function environment',
    );
  }
  let parsed: { current?: unknown; keys?: Record<string, unknown> } | null;
  try {
    parsed = JSON.parse(env.JXM_DATA_KEYS);
  } catch {
    throw new KeyConfigurationError('JXM_DATA_KEYS is not JSON');
  }
  if (!parsed || typeof parsed !== 'object')
    throw new KeyConfigurationError('JXM_DATA_KEYS must be a JSON object');
  const keys = new Map<string, Buffer>();
  for (const [id, value] of Object.entries(parsed.keys ?? {})) {
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(id))
      throw new KeyConfigurationError(`bad key id in JXM_DATA_KEYS: ${id}`);
    keys.set(id, decodeKey(`JXM_DATA_KEYS.keys.${id}`, value));
  }
  if (typeof parsed.current !== 'string' || !keys.has(parsed.current)) {
    throw new KeyConfigurationError('JXM_DATA_KEYS.current must name one of its keys');
  }
  const ring: KeyRing = {
    current: parsed.current,
    keys,
    indexKey: decodeKey('JXM_INDEX_KEY', env.JXM_INDEX_KEY),
  };
  cached = { source, ring };
  return ring;
}

const b64url = (buf: Buffer) => buf.toString('base64url');

const GCM_TAG_BYTES = 16;

/** Seals a value: `v1.<keyId>.<iv>.<ciphertext>.<tag>`. */
export function seal(ring: KeyRing, plaintext: string): string {
  const key = ring.keys.get(ring.current)!;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(`v1.${ring.current}`));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', ring.current, b64url(iv), b64url(ciphertext), b64url(cipher.getAuthTag())].join('.');
}

/** Opens a sealed value; throws if it was altered or its key is unknown. */
export function unseal(ring: KeyRing, sealed: string): string {
  const [version, keyId, iv, ciphertext, tag] = sealed.split('.');
  const key = ring.keys.get(keyId);
  if (version !== 'v1' || !key || !iv || ciphertext === undefined || !tag) {
    throw new Error('sealed value has an unknown format or key');
  }
  const authTag = Buffer.from(tag, 'base64url');
  // a full 16-byte tag only: GCM would otherwise check a shortened tag, and forgeries get cheap
  if (authTag.length !== GCM_TAG_BYTES) throw new Error('sealed value has a truncated tag');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), {
    authTagLength: GCM_TAG_BYTES,
  });
  decipher.setAAD(Buffer.from(`v1.${keyId}`));
  decipher.setAuthTag(authTag);
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString(
    'utf8',
  );
}

/** The key id a sealed value was made with (for rotation jobs). */
export function sealedKeyId(sealed: string): string {
  return sealed.split('.')[1] ?? '';
}

/** A keyed, deterministic index of a value: same value, same hash; no way back without the key. */
export function blindIndex(ring: KeyRing, kind: 'id' | 'invite' | 'phone', value: string): string {
  return createHmac('sha256', ring.indexKey).update(`${kind}:${value}`).digest('hex');
}

/**
 * A key for one purpose only (`paging-cursor`: the HMAC of list cursors, cloudfunctions/_server/db/paging.ts),
 * derived from the index key with HKDF-SHA256 and the purpose as its label, so that no MAC made for one use
 * stands for another (and no cursor's MAC is a blind index).
 */
export function purposeKey(ring: KeyRing, purpose: 'paging-cursor'): Buffer {
  return Buffer.from(hkdfSync('sha256', ring.indexKey, Buffer.alloc(0), `jxm/${purpose}/v1`, 32));
}

/** node:crypto's HMAC for the dynamic code (miniprogram/core/dynamic-code.ts). */
export function hmacSha256Hex(keyBase64: string, message: string): string {
  return createHmac('sha256', Buffer.from(keyBase64, 'base64')).update(message).digest('hex');
}

/** A fresh random code seed (32 bytes, base64). */
export function newSeed(): string {
  return randomBytes(32).toString('base64');
}

/** A random id of `bytes` bytes as hex. */
export function randomId(bytes = 8): string {
  return randomBytes(bytes).toString('hex');
}
