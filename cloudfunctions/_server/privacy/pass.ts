/**
 * The signed pass on the server (API.md 2.3, rule 16): the province's SM2 keys, signing a pass once per
 * `citizen.code`, the public keys `scan.keys` publishes, and the check `scan.record` makes of a JXM2 code.
 *
 * SM2 with SM3 and the default user id, r‖s, by sm-crypto — `doSignature(payload, privateKey, { hash: true,
 * der: false })` — with one difference: the nonce k comes from node:crypto (through `pointPool`), not from
 * sm-crypto's own generator (an RC4 stream seeded once per process). A biased or repeated k gives the private key
 * away; the test of GB/T 32918.5's example proves the nonce goes in exactly as the standard uses it.
 *
 * Keys come from the function's environment (DESIGN.md 4; the local cloud creates its own pair):
 *  - JXM_PASS_KID, JXM_PASS_PRIVATE_KEY: the current key's id and private key (64 hex); neither set: codes are
 *    issued without a pass (JXM1 only) and `scan.keys` is empty;
 *  - JXM_PASS_NOT_BEFORE: optional ISO-8601, when the current key began to sign;
 *  - JXM_PASS_PREVIOUS: optional JSON `{"kid","publicKey","notBefore","notAfter"}`, the key retired last, still
 *    published (and accepted by scan.record) until its notAfter, so that a rotation never strands a pass;
 *  - JXM_PASS_TTL_HOURS: optional, the pass lifetime in hours, more than 0 and at most 24 (default 24).
 */
import './webcrypto';
import { randomBytes } from 'node:crypto';
import { sm2, type SmBigInteger } from 'sm-crypto';
import {
  KID_PATTERN,
  PASS_CLOCK_SKEW_S,
  SM2_USER_ID,
  type PassClaims,
  type PassKey,
} from '../../../miniprogram/core/signed-pass';
import {
  DEFAULT_PASS_LIFETIME_HOURS,
  PASS_MAX_LIFETIME_HOURS,
  encodePassPayload,
  joinPass,
  passExpiry,
} from '../../../miniprogram/core/signed-pass.issue';
import { KeyConfigurationError } from './personal-data';

/** The order n of the SM2 curve's base point (GB/T 32918.5). */
const SM2_N = BigInt('0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123');

export interface PassSigningKey {
  kid: string;
  privateKey: string;
  publicKey: string;
  notBefore: Date;
}

export interface RetiredPassKey {
  kid: string;
  publicKey: string;
  notBefore: Date;
  notAfter: Date;
}

export interface PassKeyRing {
  /** null when the environment holds no signing key: codes go without a pass. */
  current: PassSigningKey | null;
  previous: RetiredPassKey | null;
  /** Hours a pass lasts (never after the seed expires). */
  lifetimeHours: number;
}

function instant(name: string, value: unknown): Date {
  const at = typeof value === 'string' ? new Date(value) : new Date(NaN);
  if (Number.isNaN(at.getTime())) throw new KeyConfigurationError(`${name} must be an ISO-8601 instant`);
  return at;
}

function kidOf(name: string, value: unknown): string {
  if (typeof value !== 'string' || !KID_PATTERN.test(value))
    throw new KeyConfigurationError(`${name} must be 1–32 letters, digits, _ or -`);
  return value;
}

/** A private key is 64 hex digits, a number from 1 to n − 1. */
export function isPrivateKey(hex: unknown): hex is string {
  if (typeof hex !== 'string' || !/^[0-9a-fA-F]{64}$/.test(hex)) return false;
  const d = BigInt(`0x${hex}`);
  return d >= BigInt(1) && d < SM2_N;
}

/** An uncompressed public key `04…` (130 hex digits) that lies on the curve. */
export function isPublicKey(hex: unknown): hex is string {
  return (
    typeof hex === 'string' && /^04[0-9a-fA-F]{128}$/.test(hex) && sm2.verifyPublicKey(hex.toLowerCase())
  );
}

let cached: { source: string; ring: PassKeyRing } | null = null;

/** The pass keys of the function's environment (module comment); a malformed variable throws. */
export function passKeysFromEnv(env: NodeJS.ProcessEnv = process.env): PassKeyRing {
  const source = [
    env.JXM_PASS_KID,
    env.JXM_PASS_PRIVATE_KEY,
    env.JXM_PASS_NOT_BEFORE,
    env.JXM_PASS_PREVIOUS,
    env.JXM_PASS_TTL_HOURS,
  ].join('|');
  if (cached && cached.source === source) return cached.ring;

  let current: PassSigningKey | null = null;
  if (env.JXM_PASS_KID || env.JXM_PASS_PRIVATE_KEY) {
    const kid = kidOf('JXM_PASS_KID', env.JXM_PASS_KID);
    const privateKey = env.JXM_PASS_PRIVATE_KEY;
    if (!isPrivateKey(privateKey))
      throw new KeyConfigurationError('JXM_PASS_PRIVATE_KEY must be an SM2 private key, 64 hex digits');
    current = {
      kid,
      privateKey: privateKey.toLowerCase(),
      publicKey: sm2.getPublicKeyFromPrivateKey(privateKey.toLowerCase()),
      notBefore: env.JXM_PASS_NOT_BEFORE
        ? instant('JXM_PASS_NOT_BEFORE', env.JXM_PASS_NOT_BEFORE)
        : new Date(0),
    };
  }

  let previous: RetiredPassKey | null = null;
  if (env.JXM_PASS_PREVIOUS) {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(env.JXM_PASS_PREVIOUS) as Record<string, unknown>;
    } catch {
      throw new KeyConfigurationError('JXM_PASS_PREVIOUS is not JSON');
    }
    if (!parsed || typeof parsed !== 'object')
      throw new KeyConfigurationError('JXM_PASS_PREVIOUS must be a JSON object');
    const kid = kidOf('JXM_PASS_PREVIOUS.kid', parsed.kid);
    if (kid === current?.kid)
      throw new KeyConfigurationError('JXM_PASS_PREVIOUS.kid must differ from JXM_PASS_KID');
    if (!isPublicKey(parsed.publicKey))
      throw new KeyConfigurationError(
        'JXM_PASS_PREVIOUS.publicKey must be an SM2 public key, 04 and 128 hex',
      );
    previous = {
      kid,
      publicKey: parsed.publicKey.toLowerCase(),
      notBefore: parsed.notBefore ? instant('JXM_PASS_PREVIOUS.notBefore', parsed.notBefore) : new Date(0),
      notAfter: instant('JXM_PASS_PREVIOUS.notAfter', parsed.notAfter),
    };
  }

  let lifetimeHours = DEFAULT_PASS_LIFETIME_HOURS;
  if (env.JXM_PASS_TTL_HOURS !== undefined && env.JXM_PASS_TTL_HOURS !== '') {
    lifetimeHours = Number(env.JXM_PASS_TTL_HOURS);
    if (!Number.isFinite(lifetimeHours) || lifetimeHours <= 0 || lifetimeHours > PASS_MAX_LIFETIME_HOURS)
      throw new KeyConfigurationError(
        `JXM_PASS_TTL_HOURS must be more than 0 and at most ${PASS_MAX_LIFETIME_HOURS}`,
      );
  }

  const ring: PassKeyRing = { current, previous, lifetimeHours };
  cached = { source, ring };
  return ring;
}

/** The public keys `scan.keys` publishes at `now`: the current one, and the previous until its notAfter. */
export function publishedKeys(ring: PassKeyRing, now: Date): PassKey[] {
  const keys: PassKey[] = [];
  if (ring.current) {
    keys.push({
      kid: ring.current.kid,
      alg: 'SM2',
      publicKey: ring.current.publicKey,
      notBefore: ring.current.notBefore.toISOString(),
      // no pass it has signed so far outlives this: the instant moves on until the key is retired
      notAfter: new Date(now.getTime() + ring.lifetimeHours * 3600_000).toISOString(),
    });
  }
  if (ring.previous && now.getTime() <= ring.previous.notAfter.getTime()) {
    keys.push({
      kid: ring.previous.kid,
      alg: 'SM2',
      publicKey: ring.previous.publicKey,
      notBefore: ring.previous.notBefore.toISOString(),
      notAfter: ring.previous.notAfter.toISOString(),
    });
  }
  return keys;
}

/** The keys a pass scanned at `at` may verify under (a late sync is judged by its scan time, as its seed is). */
export function verificationKeys(ring: PassKeyRing, at: Date): Array<Pick<PassKey, 'kid' | 'publicKey'>> {
  const keys: Array<Pick<PassKey, 'kid' | 'publicKey'>> = [];
  if (ring.current) keys.push({ kid: ring.current.kid, publicKey: ring.current.publicKey });
  if (ring.previous && at.getTime() <= ring.previous.notAfter.getTime() + PASS_CLOCK_SKEW_S * 1000)
    keys.push({ kid: ring.previous.kid, publicKey: ring.previous.publicKey });
  return keys;
}

/** 40 random bytes reduced mod n − 1, plus 1: a number from 1 to n − 1 whose bias is below 2^-64. */
const randomScalarSeed = () => randomBytes(40).toString('hex');

/** A fresh SM2 key pair from node:crypto's randomness (the local cloud's first start, tests). */
export function newPassKeyPair(): { privateKey: string; publicKey: string } {
  return sm2.generateKeyPairHex(randomScalarSeed(), 16);
}

type BigIntegerClass = new (value: string, radix: number) => SmBigInteger;
let BigIntegerOfSmCrypto: BigIntegerClass | null = null;

/**
 * A nonce for one signature: k from node:crypto and the x coordinate of kG, as sm-crypto's `pointPool` takes them
 * (in sm-crypto's own jsbn BigInteger, taken from one of its points: jsbn is its private dependency).
 */
export function freshNonce(seedHex = randomScalarSeed()): { k: SmBigInteger; x1: SmBigInteger } {
  BigIntegerOfSmCrypto ??= sm2.getPoint().k.constructor as unknown as BigIntegerClass;
  // generateKeyPairHex(seed, 16) reduces the seed mod n − 1 and adds 1: its key pair is (k, kG)
  const { privateKey: k, publicKey: kG } = sm2.generateKeyPairHex(seedHex, 16);
  return { k: new BigIntegerOfSmCrypto(k, 16), x1: new BigIntegerOfSmCrypto(kG.slice(2, 66), 16) };
}

/** SM2 with SM3 and the default user id over the message's UTF-8 bytes: r‖s as 128 hex digits. */
export function sm2Sign(
  message: string,
  key: Pick<PassSigningKey, 'privateKey' | 'publicKey'>,
  nonce = freshNonce(),
): string {
  return sm2.doSignature(message, key.privateKey, {
    hash: true,
    der: false,
    userId: SM2_USER_ID,
    publicKey: key.publicKey,
    pointPool: [nonce],
  });
}

/** Verifies r‖s (128 hex digits) over the message under an uncompressed public key; never throws. */
export function sm2Verify(message: string, signatureHex: string, publicKey: string): boolean {
  if (!/^[0-9a-f]{128}$/i.test(signatureHex)) return false;
  try {
    return sm2.doVerifySignature(message, signatureHex.toLowerCase(), publicKey, {
      hash: true,
      der: false,
      userId: SM2_USER_ID,
    });
  } catch {
    return false;
  }
}

const verified = new Map<string, boolean>();
const VERIFIED_MAX = 2000;

/**
 * sm2Verify, remembered per function instance: a citizen shows the same pass for up to a day (only the step and
 * the mac around it change), so a gate's repeated scans of it cost one verification, not one each.
 */
export function sm2VerifyRemembered(message: string, signatureHex: string, publicKey: string): boolean {
  const key = `${publicKey}.${message}.${signatureHex}`;
  const known = verified.get(key);
  if (known !== undefined) return known;
  const result = sm2Verify(message, signatureHex, publicKey);
  if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value as string);
  verified.set(key, result);
  return result;
}

/**
 * The pass for a code fetched at `now` (one signature): the person's codeId, color and masked name, issued now,
 * lasting the configured lifetime and never beyond the seed. null when no signing key is configured.
 */
export function issuePass(
  ring: PassKeyRing,
  person: { codeId: string; color: PassClaims['color']; maskedName: string },
  now: Date,
  seedValidUntilMs: number,
): string | null {
  if (!ring.current) return null;
  const iat = Math.floor(now.getTime() / 1000);
  const payload = encodePassPayload({
    v: 1,
    kid: ring.current.kid,
    codeId: person.codeId,
    color: person.color,
    name: person.maskedName,
    iat,
    exp: passExpiry(iat, ring.lifetimeHours, seedValidUntilMs),
  });
  return joinPass(payload, sm2Sign(payload, ring.current));
}
