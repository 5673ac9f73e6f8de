/**
 * The mini-program's SHA-256 and HMAC-SHA256 (miniprogram/core/sha256.ts), which replaced crypto-js: the published
 * vectors (FIPS 180-4's examples, RFC 4231) and, for every length around the 64-byte block, node:crypto's result.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { base64Bytes, hmacSha256, sha256, utf8Bytes } from '../../miniprogram/core/sha256';

const hex = (bytes: number[]) => Buffer.from(bytes).toString('hex');
const bytes = (text: string) => [...Buffer.from(text, 'hex')];
const ascii = (text: string) => [...Buffer.from(text, 'latin1')];

describe('sha256', () => {
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    [
      'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    ],
  ])('should hash %j as FIPS 180-4 publishes', (message, digest) => {
    expect(hex(sha256(ascii(message)))).toBe(digest);
  });

  it('should hash a million a (many blocks)', () => {
    expect(hex(sha256(ascii('a'.repeat(1_000_000))))).toBe(
      'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
    );
  });

  it('should hash every length from 0 to 200 bytes as node:crypto does', () => {
    for (let length = 0; length <= 200; length++) {
      const data = randomBytes(length);
      expect(hex(sha256([...data]))).toBe(createHash('sha256').update(data).digest('hex'));
    }
  });
});

describe('hmacSha256', () => {
  // RFC 4231 section 4, test cases 1 to 7 (case 5's output is truncated there: its first 16 bytes)
  it.each([
    [
      '0b'.repeat(20),
      Buffer.from('Hi There').toString('hex'),
      'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
    ],
    [
      Buffer.from('Jefe').toString('hex'),
      Buffer.from('what do ya want for nothing?').toString('hex'),
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    ],
    ['aa'.repeat(20), 'dd'.repeat(50), '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe'],
    [
      '0102030405060708090a0b0c0d0e0f10111213141516171819',
      'cd'.repeat(50),
      '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
    ],
    [
      '0c'.repeat(20),
      Buffer.from('Test With Truncation').toString('hex'),
      'a3b6167473100ee06e0c796c2955552b',
    ],
    [
      'aa'.repeat(131),
      Buffer.from('Test Using Larger Than Block-Size Key - Hash Key First').toString('hex'),
      '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    ],
    [
      'aa'.repeat(131),
      Buffer.from(
        'This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.',
      ).toString('hex'),
      '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
    ],
  ])('should give RFC 4231: key %s', (key, data, mac) => {
    expect(hex(hmacSha256(bytes(key), bytes(data))).slice(0, mac.length)).toBe(mac);
  });

  it('should give node:crypto’s HMAC for keys and messages of every length around the block', () => {
    for (const keyLength of [0, 1, 31, 32, 33, 63, 64, 65, 100, 128, 129]) {
      for (let messageLength = 0; messageLength <= 140; messageLength += 1) {
        const key = randomBytes(keyLength);
        const message = randomBytes(messageLength);
        expect(hex(hmacSha256([...key], [...message]))).toBe(
          createHmac('sha256', key).update(message).digest('hex'),
        );
      }
    }
  });
});

describe('utf8Bytes', () => {
  it.each([
    '',
    'JXM1.0123456789abcdef.56666666',
    '吉祥码',
    'é',
    '😀 emoji',
    '\ud800 lone',
    'end \udc00',
    '\udc00\ud800',
  ])('should encode %j as node:crypto does, a lone surrogate as U+FFFD', (text) => {
    expect(utf8Bytes(text)).toEqual([...Buffer.from(text, 'utf8')]);
  });
});

describe('base64Bytes', () => {
  it.each([
    'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=',
    'q83vASNFZ4mrze8BI0VniavN7wEjRWeJq83vASNFZ4k=',
    '',
    'QQ==QQ==',
    'QUJ',
    'QU',
    'Q',
    'QR',
    'Q U J D',
    'QUJD\n',
    'a-_b+/9=',
    'QUJD=x',
    '吉QUJD',
  ])('should read %j as Buffer.from(text, "base64") does', (text) => {
    expect(base64Bytes(text)).toEqual([...Buffer.from(text, 'base64')]);
  });

  it('should read random seeds as Buffer.from does', () => {
    for (let length = 0; length <= 70; length++) {
      const seed = randomBytes(length);
      expect(base64Bytes(seed.toString('base64'))).toEqual([...seed]);
      expect(base64Bytes(seed.toString('base64url'))).toEqual([...seed]);
    }
  });
});
