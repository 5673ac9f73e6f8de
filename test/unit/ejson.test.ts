/**
 * The embedded database's fast EJSON reader (tools/local-cloud/db/ejson.ts) gives exactly what bson's
 * `EJSON.parse(text, { relaxed: true })` gives: for what the SDK sends (canonical EJSON), for what the store keeps
 * (relaxed EJSON), and for everything it hands to bson instead.
 */
import { Binary, Decimal128, EJSON, Long, ObjectId, Timestamp } from 'bson';
import { parseRelaxed } from '../../tools/local-cloud/db/ejson';
import { seededRandom } from '../helpers/random';

function outcome(parse: () => unknown): { value?: unknown; error?: string } {
  try {
    return { value: parse() };
  } catch (err) {
    return { error: `${(err as Error).name}: ${(err as Error).message}` };
  }
}

function expectSameAsBson(text: string): void {
  const fast = outcome(() => parseRelaxed(text));
  const bson = outcome(() => EJSON.parse(text, { relaxed: true }));
  expect(fast).toEqual(bson);
  // toEqual does not tell a Date from an object with the same keys, nor Long from number: compare the types too
  expect(EJSON.stringify(fast.value ?? null, { relaxed: false })).toBe(
    EJSON.stringify(bson.value ?? null, { relaxed: false }),
  );
}

/** parseRelaxed, with what it handed to bson (its slow path) instead of reading it itself. */
function readWatchingBson(text: string): { value: unknown; handedOver: unknown[] } {
  const handedOver: unknown[] = [];
  const value = parseRelaxed(text, undefined, (fromBson) => {
    handedOver.push(fromBson);
    return fromBson;
  });
  return { value, handedOver };
}

function randomValue(next: () => number, depth: number): unknown {
  const pick = <T>(items: T[]) => items[Math.floor(next() * items.length)];
  const kind = Math.floor(next() * (depth > 3 ? 8 : 11));
  switch (kind) {
    case 0:
      return pick(['', 'a', '长春站1号口', 'quote " and \\ slash', '$notAType', 'line\nbreak']);
    case 1:
      return pick([0, -0, 1, -1, 36.5, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, 2 ** 60, 1e21, 1e-7, NaN, Infinity]);
    case 2:
      return Math.floor(next() * 2 ** 40) * (next() < 0.5 ? -1 : 1);
    case 3:
      return pick([true, false, null]);
    case 4:
      return new Date(pick([0, 1796113895186, 1796113895000, -1, -86_400_000, 253402318800001]));
    case 5:
      return pick([/ab+c/i, /^长春/, new ObjectId('5f1d7a3e9c1b2a3d4e5f6a7b')]);
    case 6:
      return pick([
        Long.fromString('9007199254740993'),
        new Decimal128('1.5'),
        new Binary(Buffer.from('hi')),
      ]);
    case 7:
      return new Timestamp({ t: 1, i: 2 });
    case 8:
    case 9: {
      const out: Record<string, unknown> = {};
      const n = Math.floor(next() * 5);
      for (let i = 0; i < n; i++) {
        out[pick(['a', 'b', 'site', 'scannedAt', '$gte', '$in', 'qr.codeId', `k${i}`])] = randomValue(
          next,
          depth + 1,
        );
      }
      return out;
    }
    default:
      return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1));
  }
}

describe('parseRelaxed', () => {
  it('should read what the SDK sends and what the store keeps as bson does, for generated documents', () => {
    const next = seededRandom(20261201);
    for (let i = 0; i < 1500; i++) {
      const doc = { _id: `d${i}`, value: randomValue(next, 0) };
      expectSameAsBson(EJSON.stringify(doc, { relaxed: false }));
      expectSameAsBson(EJSON.stringify(doc, { relaxed: true }));
    }
  });

  it.each([
    // what the SDK sends for a scan: canonical numbers and dates
    '{"temperature":{"$numberDouble":"37.9"},"at":{"$date":{"$numberLong":"1796113895186"}},"step":{"$numberInt":"59870463"}}',
    '{"scannedAt":{"$gte":{"$date":{"$numberLong":"1796113890000"}},"$lte":{"$date":"2026-12-01T08:31:35Z"}}}',
    '{"$numberLong":"-0"}',
    '{"$numberLong":"007"}',
    '{"$numberLong":"123456789012345"}',
    '{"$numberLong":"1234567890123456789"}',
    '{"$numberDouble":"-0.0"}',
    '{"$numberDouble":"NaN"}',
    '{"$numberDouble":"-Infinity"}',
    '{"$numberInt":5}',
    '{"$numberInt":"-0"}',
    '{"$numberInt":"1.5"}',
    '{"$code":"f()"}',
    '{"$dbPointer":"x"}',
    '{"$numberInt":"1","other":1}',
    '{"$date":null}',
    '{"$date":1796113895186}',
    '{"$date":{"$numberLong":"-62198755200000"}}',
    '{"$date":{"nested":true}}',
    '{"$undefined":true}',
    '{"$oid":"5f1d7a3e9c1b2a3d4e5f6a7b"}',
    '{"$regularExpression":{"pattern":"^长","options":"i"}}',
    '{"name":{"$regex":"ab","$options":"i"}}',
    '{"$minKey":1}',
    '{"$maxKey":1}',
    '{"$symbol":"s"}',
    '{"$uuid":"f81d4fae-7dec-11d0-a765-00a0c91e6bf6"}',
    '{"$dbPointer":{"$ref":"things","$id":{"$oid":"5f1d7a3e9c1b2a3d4e5f6a7b"}}}',
    '{"$numberLong":5}',
    '{"$ref":"things","$id":"x"}',
    '{"$timestamp":{"t":1,"i":2}}',
    '{"$numberDecimal":"1.5"}',
    '{"$binary":{"base64":"aGk=","subType":"00"}}',
    '{"__proto__":{"polluted":true}}',
    '{"bad\\u0000key":1}',
    '[{"$numberInt":"1"},[{"$date":{"$numberLong":"0"}}],null]',
    '"just a string"',
    '42',
    'null',
    '{"a":}',
  ])('should read %s as bson does', (text) => expectSameAsBson(text));

  // what a database call carries on every scan: bson would read it the same, three times slower
  it.each([
    '{"temperature":{"$numberDouble":"36.5"},"step":{"$numberInt":"59870463"}}',
    '{"n":{"$numberLong":"7"},"m":{"$numberLong":"-123456789012345"},"z":{"$numberLong":"0"}}',
    '{"at":{"$date":{"$numberLong":"1796113895186"}},"iso":{"$date":"2026-12-01T08:31:35.186Z"}}',
    '{"ancestors":["p1","p2",{"$numberInt":"3"}],"site":{"id":"s1","at":[{"$date":{"$numberLong":"0"}}]}}',
    '[{"a":{"$numberDouble":"-1.5"}},null,true,"x"]',
  ])('should read %s itself, without handing it to bson', (text) => {
    const { value, handedOver } = readWatchingBson(text);
    expect(handedOver).toEqual([]);
    expect(value).toEqual(EJSON.parse(text, { relaxed: true }));
  });

  it.each([
    '{"$numberLong":"1234567890123456"}',
    '{"$numberInt":"1","other":1}',
    '{"$numberDouble":"1","$numberInt":"1"}',
    '{"$date":{"$numberLong":"1"},"$tcb_server_date":{}}',
    '{"$symbol":"s"}',
    '{"$maxKey":1}',
    '{"$ref":"things"}',
    '{"$id":"x"}',
    '{"$dbPointer":{"$ref":"things","$id":{"$oid":"5f1d7a3e9c1b2a3d4e5f6a7b"}}}',
    '{"a":{"__proto__":{"polluted":true}}}',
  ])('should hand %s to bson whole', (text) => {
    expect(readWatchingBson(text).handedOver).toHaveLength(1);
  });

  it('should let a failure of the serverDate hook through instead of reading the text again with bson', () => {
    const read = () =>
      parseRelaxed('{"at":{"$tcb_server_date":{"offset":{"$numberInt":"0"}}}}', {
        serverDate: () => {
          throw new Error('no clock');
        },
      });
    expect(read).toThrow('no clock');
  });

  it('should read a date it cannot parse as an invalid Date, as bson does', () => {
    const fast = parseRelaxed('{"$date":"not a date"}');
    const bson: unknown = EJSON.parse('{"$date":"not a date"}', { relaxed: true });
    // two invalid dates are not equal to Jest
    expect([fast, bson].map((d) => d instanceof Date && Number.isNaN(d.getTime()))).toEqual([true, true]);
  });

  it('should hand serverDate to the hook, after reviving its offset', () => {
    const at = parseRelaxed(
      '{"at":{"$tcb_server_date":{"offset":{"$numberInt":"1000"}}},"n":{"$numberInt":"2"}}',
      {
        serverDate: (spec) => new Date(1000 + Number((spec.$tcb_server_date as { offset: number }).offset)),
      },
    );
    expect(at).toEqual({ at: new Date(2000), n: 2 });
  });

  it('should pass what bson gives through the slow-path function', () => {
    const seen: unknown[] = [];
    const value = parseRelaxed('{"id":{"$oid":"5f1d7a3e9c1b2a3d4e5f6a7b"}}', undefined, (fromBson) => {
      seen.push(fromBson);
      return 'converted';
    });
    expect(value).toBe('converted');
    expect((seen[0] as { id: ObjectId }).id).toBeInstanceOf(ObjectId);
  });
});
