import { createHash } from 'node:crypto';
import {
  blindIndex,
  hmacSha256Hex,
  KeyConfigurationError,
  keyRingFromEnv,
  seal,
  sealedKeyId,
  unseal,
  type KeyRing,
} from '../../cloudfunctions/_server/privacy/personal-data';

/** Fixed 32-byte keys, base64. */
const key = (byte: number) => Buffer.alloc(32, byte).toString('base64');
const K1 = key(0x11);
const K2 = key(0x22);
const INDEX_KEY = key(0x33);
const OTHER_INDEX_KEY = key(0x44);

function env(dataKeys: unknown, indexKey: string | undefined = INDEX_KEY): NodeJS.ProcessEnv {
  return {
    JXM_DATA_KEYS: typeof dataKeys === 'string' ? dataKeys : JSON.stringify(dataKeys),
    JXM_INDEX_KEY: indexKey,
  };
}

const ringK1 = () => keyRingFromEnv(env({ current: 'k1', keys: { k1: K1 } }));
const ringK2 = () => keyRingFromEnv(env({ current: 'k2', keys: { k1: K1, k2: K2 } }));

const NAME = '阿依古丽·买买提';
const ID_NUMBER = '11010519491231002X';

/** Replaces part `index` of a sealed value by `change(bytes)`. */
function tamper(sealed: string, index: number, change: (bytes: Buffer) => Buffer): string {
  const parts = sealed.split('.');
  parts[index] = change(Buffer.from(parts[index], 'base64url')).toString('base64url');
  return parts.join('.');
}
const flipFirstBit = (bytes: Buffer) => {
  const copy = Buffer.from(bytes);
  copy[0] ^= 0x01;
  return copy;
};

describe('seal and unseal', () => {
  it.each([NAME, ID_NUMBER, '张三', '', '吉林省长春市朝阳区 1号楼 😀'])('should round-trip %j', (value) => {
    const ring = ringK1();
    expect(unseal(ring, seal(ring, value))).toBe(value);
  });

  it('should use the format v1.<keyId>.<iv>.<ciphertext>.<tag>', () => {
    const sealed = seal(ringK1(), NAME);
    const parts = sealed.split('.');
    expect(parts).toHaveLength(5);
    expect(parts[0]).toBe('v1');
    expect(parts[1]).toBe('k1');
    for (const part of parts.slice(2)) expect(part).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(parts[2], 'base64url')).toHaveLength(12);
    expect(Buffer.from(parts[3], 'base64url')).toHaveLength(Buffer.byteLength(NAME, 'utf8'));
    expect(Buffer.from(parts[4], 'base64url')).toHaveLength(16);
  });

  it('should seal the same value differently each time (random IV)', () => {
    const ring = ringK1();
    const a = seal(ring, NAME);
    const b = seal(ring, NAME);
    expect(a).not.toBe(b);
    expect(a.split('.')[2]).not.toBe(b.split('.')[2]);
    expect(a.split('.')[3]).not.toBe(b.split('.')[3]);
    expect(unseal(ring, a)).toBe(NAME);
    expect(unseal(ring, b)).toBe(NAME);
  });

  it('should leave no plaintext in the sealed value', () => {
    const ring = ringK1();
    for (const value of [NAME, ID_NUMBER]) {
      const sealed = seal(ring, value);
      const bytes = Buffer.from(value, 'utf8');
      expect(sealed).not.toContain(value);
      expect(sealed).not.toContain(bytes.toString('base64url'));
      expect(sealed).not.toContain(bytes.toString('base64').replace(/=+$/, ''));
      expect(sealed).not.toContain(bytes.toString('hex'));
      const ciphertext = Buffer.from(sealed.split('.')[3], 'base64url');
      expect(ciphertext.equals(bytes)).toBe(false);
    }
  });

  it('should throw when the ciphertext was altered', () => {
    const ring = ringK1();
    const sealed = seal(ring, NAME);
    expect(() => unseal(ring, tamper(sealed, 3, flipFirstBit))).toThrow();
    expect(() =>
      unseal(
        ring,
        tamper(sealed, 3, (b) => b.subarray(0, b.length - 1)),
      ),
    ).toThrow();
    expect(() =>
      unseal(
        ring,
        tamper(sealed, 3, (b) => Buffer.concat([b, Buffer.from([0])])),
      ),
    ).toThrow();
  });

  it('should throw when the tag was altered', () => {
    const ring = ringK1();
    const sealed = seal(ring, NAME);
    expect(() => unseal(ring, tamper(sealed, 4, flipFirstBit))).toThrow();
    expect(() =>
      unseal(
        ring,
        tamper(sealed, 4, (b) => Buffer.alloc(b.length)),
      ),
    ).toThrow();
  });

  it('should throw when the IV was altered', () => {
    const ring = ringK1();
    expect(() => unseal(ring, tamper(seal(ring, NAME), 2, flipFirstBit))).toThrow();
  });

  it.each([4, 15])('should throw when the tag was cut to its first %d bytes', (length) => {
    const ring = ringK1();
    const sealed = seal(ring, NAME);
    expect(() =>
      unseal(
        ring,
        tamper(sealed, 4, (b) => b.subarray(0, length)),
      ),
    ).toThrow(new Error('sealed value has a truncated tag'));
  });

  it('should throw when the key id was changed to another known key', () => {
    const ring = ringK2();
    const sealed = seal(ring, NAME);
    expect(sealedKeyId(sealed)).toBe('k2');
    const relabelled = sealed.replace(/^v1\.k2\./, 'v1.k1.');
    expect(relabelled).not.toBe(sealed);
    expect(() => unseal(ring, relabelled)).toThrow();
  });

  it('should throw when the key id names no key of the ring', () => {
    const ring = ringK1();
    expect(() => unseal(ring, seal(ring, NAME).replace(/^v1\.k1\./, 'v1.k9.'))).toThrow();
  });

  it('should throw when the same key id holds another key', () => {
    const other: KeyRing = { ...ringK1(), keys: new Map([['k1', Buffer.alloc(32, 0x99)]]) };
    expect(() => unseal(other, seal(ringK1(), NAME))).toThrow();
  });

  it.each([
    ['', 'nothing'],
    ['张三', 'a plain value'],
    ['v2.k1.aaaa.bbbb.cccc', 'another version'],
    ['v1.k1.aaaa.bbbb', 'a missing part'],
    ['v1.k1..bbbb.cccc', 'an empty IV'],
    ['v1.k1.aaaaaaaaaaaaaaaa.bbbb.', 'an empty tag'],
  ])('should throw for %j (%s)', (sealed) => {
    expect(() => unseal(ringK1(), sealed)).toThrow(new Error('sealed value has an unknown format or key'));
  });

  it('should refuse a value sealed under another version label', () => {
    const ring = ringK1();
    expect(() => unseal(ring, seal(ring, NAME).replace(/^v1\./, 'v2.'))).toThrow();
  });
});

describe('key rotation', () => {
  it('should still open a value sealed under k1 once k2 is current', () => {
    const old = seal(ringK1(), NAME);
    expect(sealedKeyId(old)).toBe('k1');
    expect(unseal(ringK2(), old)).toBe(NAME);
  });

  it('should seal new values under the current key k2', () => {
    const sealed = seal(ringK2(), ID_NUMBER);
    expect(sealedKeyId(sealed)).toBe('k2');
    expect(sealed.startsWith('v1.k2.')).toBe(true);
    expect(unseal(ringK2(), sealed)).toBe(ID_NUMBER);
  });

  it('should not open a k2 value with a ring that only knows k1', () => {
    expect(() => unseal(ringK1(), seal(ringK2(), NAME))).toThrow();
  });

  it('should not open a k1 value once k1 has been retired from the ring', () => {
    const old = seal(ringK1(), NAME);
    const retired = keyRingFromEnv(env({ current: 'k2', keys: { k2: K2 } }));
    expect(() => unseal(retired, old)).toThrow();
  });

  it('should re-seal an old value under the new key (the rotation job)', () => {
    const old = seal(ringK1(), NAME);
    const ring = ringK2();
    const resealed = seal(ring, unseal(ring, old));
    expect(sealedKeyId(resealed)).toBe('k2');
    expect(unseal(ring, resealed)).toBe(NAME);
  });

  it('should read no key id from a value without one', () => {
    expect(sealedKeyId('garbage')).toBe('');
  });
});

describe('keyRingFromEnv', () => {
  it('should build a ring from the environment', () => {
    const ring = keyRingFromEnv(env({ current: 'k2', keys: { k1: K1, k2: K2 } }));
    expect(ring.current).toBe('k2');
    expect([...ring.keys.keys()].sort()).toEqual(['k1', 'k2']);
    expect(ring.keys.get('k1')).toEqual(Buffer.alloc(32, 0x11));
    expect(ring.keys.get('k2')).toEqual(Buffer.alloc(32, 0x22));
    expect(ring.indexKey).toEqual(Buffer.alloc(32, 0x33));
  });

  it('should see a change of the environment', () => {
    expect(keyRingFromEnv(env({ current: 'k1', keys: { k1: K1 } })).current).toBe('k1');
    expect(keyRingFromEnv(env({ current: 'k2', keys: { k1: K1, k2: K2 } })).current).toBe('k2');
    expect(keyRingFromEnv(env({ current: 'k1', keys: { k1: K1 } })).current).toBe('k1');
  });

  /** Refused with a KeyConfigurationError whose message tells the operator which variable to mend, and how. */
  const expectConfigError = (e: NodeJS.ProcessEnv, message: string) => {
    expect(() => keyRingFromEnv(e)).toThrow(KeyConfigurationError);
    expect(() => keyRingFromEnv(e)).toThrow(new KeyConfigurationError(message));
    try {
      keyRingFromEnv(e);
    } catch (error) {
      expect((error as Error).name).toBe('KeyConfigurationError');
    }
  };
  const UNSET = 'JXM_DATA_KEYS and JXM_INDEX_KEY must be set in the function environment';
  const NO_CURRENT = 'JXM_DATA_KEYS.current must name one of its keys';
  const NOT_OBJECT = 'JXM_DATA_KEYS must be a JSON object';

  it.each([
    [{}, 'neither variable'],
    [{ JXM_INDEX_KEY: INDEX_KEY }, 'no JXM_DATA_KEYS'],
    [{ JXM_DATA_KEYS: JSON.stringify({ current: 'k1', keys: { k1: K1 } }) }, 'no JXM_INDEX_KEY'],
    [{ JXM_DATA_KEYS: '', JXM_INDEX_KEY: INDEX_KEY }, 'an empty JXM_DATA_KEYS'],
    [
      { JXM_DATA_KEYS: JSON.stringify({ current: 'k1', keys: { k1: K1 } }), JXM_INDEX_KEY: '' },
      'an empty index key',
    ],
  ] as [NodeJS.ProcessEnv, string][])('should refuse an environment with %j (%s)', (e) => {
    expectConfigError(e, UNSET);
  });

  it.each(['{current:"k1"}', '{"current":"k1",', 'k1', "{'current':'k1'}"])(
    'should refuse JXM_DATA_KEYS %j, which is not JSON',
    (text) => {
      expectConfigError(env(text), 'JXM_DATA_KEYS is not JSON');
    },
  );

  it.each([
    [{ current: 'k2', keys: { k1: K1 } }, 'current names a missing key', NO_CURRENT],
    [{ keys: { k1: K1 } }, 'no current', NO_CURRENT],
    [{ current: 'k1', keys: {} }, 'no keys', NO_CURRENT],
    [{ current: 'k1' }, 'no keys object', NO_CURRENT],
    [{ current: 1, keys: { 1: K1 } }, 'a numeric current', NO_CURRENT],
    [[], 'an array', NO_CURRENT],
    ['"k1"', 'a JSON string', NOT_OBJECT],
    ['5', 'a JSON number', NOT_OBJECT],
  ] as [unknown, string, string][])('should refuse JXM_DATA_KEYS %j (%s)', (dataKeys, _, message) => {
    expectConfigError(env(dataKeys), message);
  });

  it('should refuse JXM_DATA_KEYS that is the JSON literal null', () => {
    expectConfigError(env('null'), NOT_OBJECT);
  });

  it.each([
    [Buffer.alloc(16, 1).toString('base64'), '16 bytes'],
    [Buffer.alloc(31, 1).toString('base64'), '31 bytes'],
    [Buffer.alloc(33, 1).toString('base64'), '33 bytes'],
    ['', 'empty'],
    [42, 'a number'],
    [null, 'null'],
  ] as [unknown, string][])('should refuse a data key of %j (%s)', (value) => {
    expectConfigError(
      env({ current: 'k1', keys: { k1: value } }),
      'JXM_DATA_KEYS.keys.k1 must be 32 bytes, base64',
    );
  });

  it('should refuse a bad data key even when it is not current', () => {
    expectConfigError(
      env({ current: 'k1', keys: { k1: K1, k0: Buffer.alloc(16).toString('base64') } }),
      'JXM_DATA_KEYS.keys.k0 must be 32 bytes, base64',
    );
  });

  it.each([Buffer.alloc(16, 1).toString('base64'), Buffer.alloc(64, 1).toString('base64'), 'not a key'])(
    'should refuse the index key %j',
    (indexKey) => {
      expectConfigError(
        env({ current: 'k1', keys: { k1: K1 } }, indexKey),
        'JXM_INDEX_KEY must be 32 bytes, base64',
      );
    },
  );

  it.each(['k.1', 'k 1', 'ключ', 'a'.repeat(33)])('should refuse the key id %j', (id) => {
    expectConfigError(env({ current: id, keys: { [id]: K1 } }), `bad key id in JXM_DATA_KEYS: ${id}`);
  });
});

describe('blindIndex', () => {
  const indexRing = (indexKey: string) => keyRingFromEnv(env({ current: 'k1', keys: { k1: K1 } }, indexKey));

  it('should give the same index for the same value under the same key', () => {
    const a = blindIndex(indexRing(INDEX_KEY), 'id', ID_NUMBER);
    const b = blindIndex(indexRing(INDEX_KEY), 'id', ID_NUMBER);
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });

  it('should not depend on the data keys, so rotation keeps indexes', () => {
    const rotated = keyRingFromEnv(env({ current: 'k2', keys: { k1: K1, k2: K2 } }, INDEX_KEY));
    expect(blindIndex(rotated, 'id', ID_NUMBER)).toBe(blindIndex(indexRing(INDEX_KEY), 'id', ID_NUMBER));
  });

  it('should give another index under another index key', () => {
    expect(blindIndex(indexRing(OTHER_INDEX_KEY), 'id', ID_NUMBER)).not.toBe(
      blindIndex(indexRing(INDEX_KEY), 'id', ID_NUMBER),
    );
  });

  it('should give different indexes for different values', () => {
    const ring = indexRing(INDEX_KEY);
    expect(blindIndex(ring, 'id', '11010519491231002X')).not.toBe(
      blindIndex(ring, 'id', '22010219900306123X'),
    );
  });

  it('should not be the plain value, nor contain it, nor be an unkeyed hash of it', () => {
    const index = blindIndex(indexRing(INDEX_KEY), 'id', ID_NUMBER);
    expect(index).not.toBe(ID_NUMBER);
    expect(index).not.toContain(ID_NUMBER);
    expect(index).not.toContain(Buffer.from(ID_NUMBER).toString('hex'));
    expect(index).not.toBe(createHash('sha256').update(ID_NUMBER).digest('hex'));
    expect(index).not.toBe(createHash('sha256').update(`id:${ID_NUMBER}`).digest('hex'));
  });
});

describe('hmacSha256Hex', () => {
  it('should give the RFC 4231 test case 2 value', () => {
    // key "Jefe", data "what do ya want for nothing?"
    expect(hmacSha256Hex(Buffer.from('Jefe').toString('base64'), 'what do ya want for nothing?')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });
});
