/** RFC 4122 version-4 UUIDs from 16 random bytes (the offline queue's scanIds). */
import { uuidFromBytes } from '../../miniprogram/core/uuid';

describe('uuidFromBytes', () => {
  it('writes 16 bytes as 8-4-4-4-12 lower-case hex, with the version and variant bits set', () => {
    const bytes = Array.from({ length: 16 }, (_, i) => i);
    expect(uuidFromBytes(bytes)).toBe('00010203-0405-4607-8809-0a0b0c0d0e0f');
    expect(uuidFromBytes(new Uint8Array(16).fill(0xff))).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
    expect(uuidFromBytes(new Uint8Array(16))).toBe('00000000-0000-4000-8000-000000000000');
  });

  it('uses the first 16 bytes of a longer buffer', () => {
    const bytes = [...Array.from({ length: 16 }, () => 0xab), 1, 2, 3];
    expect(uuidFromBytes(bytes)).toBe('abababab-abab-4bab-abab-abababababab');
  });

  it('refuses fewer than 16 bytes', () => {
    expect(() => uuidFromBytes(new Uint8Array(15))).toThrow('a UUID needs 16 random bytes');
    expect(() => uuidFromBytes([])).toThrow();
  });

  it('matches the UUID v4 pattern for any bytes', () => {
    for (let n = 0; n < 50; n++) {
      const bytes = Array.from({ length: 16 }, (_, i) => (n * 37 + i * 101) % 256);
      expect(uuidFromBytes(bytes)).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    }
  });
});
