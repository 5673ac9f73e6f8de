/**
 * The list cursors of cloudfunctions/_server/db/paging.ts taken alone: what binds a cursor to its list's filter
 * (the filter's dates, lists and command objects, each as it is), that only the whole text the server issued is a
 * cursor, and that a cursor carrying many ties on one instant still fits what a list takes back.
 */
import cloud from 'wx-server-sdk';
import { decodeCursor, encodeCursor, type CursorScope } from '../../cloudfunctions/_server/db/paging';
import type { KeyRing } from '../../cloudfunctions/_server/privacy/personal-data';
import { CURSOR_MAX_LENGTH } from '../../miniprogram/core/validation';

const keys: KeyRing = {
  current: 'k1',
  keys: new Map([['k1', Buffer.alloc(32, 1)]]),
  indexKey: Buffer.alloc(32, 7),
};
const AT = 1_700_000_000_000;

cloud.init({ env: 'paging-test' });
const _ = cloud.database().command;

const scope = (filter: Record<string, unknown>, params: Record<string, unknown> = {}): CursorScope => ({
  openid: 'o-1',
  list: 'records.scans',
  filter,
  params,
});

/** Whether a cursor issued for one scope is taken for another. */
function takenAcross(issuedFor: CursorScope, usedFor: CursorScope): boolean {
  const cursor = encodeCursor(keys, issuedFor, { at: AT, ids: ['s1'] });
  try {
    decodeCursor(keys, usedFor, cursor);
    return true;
  } catch (err) {
    expect(err).toMatchObject({ code: 'BAD_REQUEST', fields: { cursor: 'format' } });
    return false;
  }
}

describe('a cursor is bound to its filter as it is', () => {
  it('is taken back with the same filter, built again', () => {
    const filter = () => ({ scannedAt: _.gte(new Date(AT - 1000)), color: _.in(['red', 'orange']) });
    expect(takenAcross(scope(filter()), scope(filter()))).toBe(true);
  });

  it('is refused when a date in the filter differs by a millisecond', () => {
    expect(takenAcross(scope({ at: _.gte(new Date(AT)) }), scope({ at: _.gte(new Date(AT + 1)) }))).toBe(
      false,
    );
    expect(takenAcross(scope({ at: new Date(AT) }), scope({ at: new Date(AT + 1) }))).toBe(false);
  });

  it('is refused when a list inside the filter holds other values', () => {
    expect(takenAcross(scope({ color: _.in(['red']) }), scope({ color: _.in(['yellow']) }))).toBe(false);
    expect(takenAcross(scope({ tags: [['a']] }), scope({ tags: [['b']] }))).toBe(false);
  });

  it('is refused for an object of another class with the same fields', () => {
    class Gte {
      constructor(readonly value: number) {}
    }
    class Lte {
      constructor(readonly value: number) {}
    }
    expect(takenAcross(scope({ n: new Gte(1) }), scope({ n: new Lte(1) }))).toBe(false);
    expect(takenAcross(scope({ n: new Gte(1) }), scope({ n: { value: 1 } }))).toBe(false);
  });

  it('is refused when the call’s other parameters differ, but not for another page size', () => {
    expect(takenAcross(scope({}, { color: 'red', limit: 5 }), scope({}, { color: 'red', limit: 50 }))).toBe(
      true,
    );
    expect(takenAcross(scope({}, { color: 'red' }), scope({}, { color: 'green' }))).toBe(false);
  });

  it('refuses to sign a filter nested deeper than any list builds (a programming error, not a request)', () => {
    // the filter is level 0, its field's value level 1: twelve levels below the filter are signed, not thirteen
    const nested = (levels: number) => {
      let value: unknown = 'x';
      for (let i = 1; i < levels; i++) value = [value];
      return value;
    };
    expect(takenAcross(scope({ fits: nested(12) }), scope({ fits: nested(12) }))).toBe(true);
    expect(() => encodeCursor(keys, scope({ deep: nested(13) }), { at: AT, ids: [] })).toThrow(
      /nested too deeply/,
    );
  });
});

describe('only the whole text the server issued is a cursor', () => {
  const issued = encodeCursor(keys, scope({}), { at: AT, ids: ['s1', 's2'] });

  it('reads back what it was issued with', () => {
    expect(decodeCursor(keys, scope({}), issued)).toEqual({ at: AT, ids: ['s1', 's2'] });
    expect(decodeCursor(keys, scope({}), undefined)).toBeNull();
  });

  it.each([
    ['a character before it', `!${issued}`],
    ['a space before it', ` ${issued}`],
    ['a character after it', `${issued}!`],
    ['a line after it', `${issued}\nx`],
    ['a second MAC after it', `${issued}.${issued.split('.')[1]}`],
  ])('refuses it with %s', (_what, text) => {
    expect(() => decodeCursor(keys, scope({}), text)).toThrow(
      expect.objectContaining({ code: 'BAD_REQUEST' }),
    );
  });
});

describe('a cursor with many ties on its instant', () => {
  // 200 ids of 120 characters: 24,000 characters of ids, more than a list takes back as a cursor
  const ids = Array.from({ length: 200 }, (_unused, i) => `${String(i).padStart(3, '0')}-${'x'.repeat(116)}`);

  it('still fits what a list takes back, keeping the newest ties and dropping the oldest', () => {
    const text = encodeCursor(keys, scope({}), { at: AT, ids });
    expect(text.length).toBeLessThanOrEqual(CURSOR_MAX_LENGTH);
    const back = decodeCursor(keys, scope({}), text)!;
    expect(back.at).toBe(AT);
    // a suffix of the ids: the last ones returned are kept
    expect(back.ids).toEqual(ids.slice(ids.length - back.ids.length));
    // at most a tenth of the ties (and never all of them) dropped beyond what had to go
    const fitting = Math.floor(((CURSOR_MAX_LENGTH - 60) * 3) / 4 / (ids[0].length + 3));
    expect(back.ids.length).toBeGreaterThanOrEqual(Math.floor(fitting * 0.9));
    expect(back.ids.length).toBeLessThanOrEqual(fitting);
  });

  it('keeps every tie when they fit', () => {
    const short = ids.map((id) => id.slice(0, 20));
    expect(decodeCursor(keys, scope({}), encodeCursor(keys, scope({}), { at: AT, ids: short }))!.ids).toEqual(
      short,
    );
  });
});
