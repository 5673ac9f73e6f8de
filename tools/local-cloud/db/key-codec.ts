/**
 * Order-preserving binary keys for the embedded database's index tables.
 *
 * A key is the concatenation of one encoded component per indexed field. Components are self-delimiting and
 * compare with memcmp (SQLite's BLOB order) exactly as MongoDB orders the values across types:
 * null < numbers < strings < objects < booleans < dates. Every query is re-checked against the full filter, so
 * a key only has to narrow the candidates, never decide a match on its own.
 */

export const TAG_NULL = 0x05;
export const TAG_NUMBER = 0x10;
export const TAG_STRING = 0x20;
export const TAG_OBJECT = 0x30;
export const TAG_BOOLEAN = 0x40;
export const TAG_DATE = 0x50;
/** Greater than every tag: appended to a key, it bounds "this prefix followed by anything". */
export const AFTER = 0xff;

function orderedDouble(tag: number, value: number): Buffer {
  const buf = Buffer.alloc(9);
  buf[0] = tag;
  buf.writeDoubleBE(value === 0 ? 0 : value, 1); // fold -0 into 0
  if (buf[1] & 0x80) {
    for (let i = 1; i < 9; i++) buf[i] = ~buf[i] & 0xff; // negative: flip every bit
  } else {
    buf[1] |= 0x80; // positive: flip the sign bit
  }
  return buf;
}

function escapedString(tag: number, value: string): Buffer {
  const raw = Buffer.from(value, 'utf8');
  const out: number[] = [tag];
  for (const byte of raw) {
    out.push(byte);
    if (byte === 0x00) out.push(0xff); // 0x00 inside a string becomes 0x00 0xff
  }
  out.push(0x00, 0x00); // terminator sorts before any escaped 0x00 and any other byte
  return Buffer.from(out);
}

/** The type tag a value's component starts with. */
export function tagOf(value: unknown): number {
  if (value === null || value === undefined) return TAG_NULL;
  if (typeof value === 'number') return TAG_NUMBER;
  if (typeof value === 'string') return TAG_STRING;
  if (typeof value === 'boolean') return TAG_BOOLEAN;
  if (value instanceof Date) return TAG_DATE;
  return TAG_OBJECT;
}

export function encodeComponent(value: unknown): Buffer {
  switch (tagOf(value)) {
    case TAG_NULL:
      return Buffer.from([TAG_NULL]);
    case TAG_NUMBER:
      return orderedDouble(TAG_NUMBER, value as number);
    case TAG_STRING:
      return escapedString(TAG_STRING, value as string);
    case TAG_BOOLEAN:
      return Buffer.from([TAG_BOOLEAN, value ? 1 : 0]);
    case TAG_DATE:
      return orderedDouble(TAG_DATE, (value as Date).getTime());
    default:
      return escapedString(TAG_OBJECT, JSON.stringify(value));
  }
}

export function encodeKey(values: readonly unknown[]): Buffer {
  return Buffer.concat(values.map(encodeComponent));
}

/** True for values an index can look up by equality (arrays and documents are compared whole by MongoDB). */
export function isIndexableScalar(value: unknown): boolean {
  const tag = tagOf(value);
  return tag !== TAG_OBJECT && tag !== TAG_NULL;
}
