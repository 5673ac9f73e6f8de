/**
 * Lists of API.md section 2: `{ cursor?, limit? }` in, `{ items, next }` out, newest first, by keyset on a date
 * field (never skip/offset, so a deep page costs what the first one does). The cursor is opaque to clients:
 * the boundary instant and the ids already returned at that instant, so ties are neither lost nor repeated.
 *
 * Cursors are signed: `<payload>.<mac>` (base64url), the MAC an HMAC-SHA256 (first 16 bytes) under a key kept
 * for this purpose only (purposeKey 'paging-cursor'), over the payload together with the caller's openid, the
 * list's name, its query filter and the call's other parameters (acting position, from/to, colour …; not
 * `cursor`, not `limit`), each serialised deterministically. A cursor the server did not issue — forged,
 * altered, or issued for another list, another caller or other filters — is BAD_REQUEST (`fields.cursor`).
 * A list's filter must therefore not depend on the time of the call.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { CURSOR_MAX_LENGTH } from '../../../miniprogram/core/validation';
import type { CloudDatabase } from '../cloud';
import { DomainError } from '../envelope';
import { purposeKey, type KeyRing } from '../privacy/personal-data';
import type { CollectionName } from './collections';
import type { Identified } from './repository';

export const DEFAULT_PAGE = 20;
/** Ids tied on the boundary instant that a cursor carries; more ties than this at one instant are not paged. */
const MAX_TIED_IDS = 200;

interface Cursor {
  at: number;
  ids: string[];
}

/** What a cursor is bound to: who asks, for which list, with which filters. */
export interface CursorScope {
  openid: string;
  /** The list, named as the API names it: `records.scans`. */
  list: string;
  /** The list's query filter. */
  filter: Record<string, unknown>;
  /** The call's parameters; `cursor` and `limit` are left out. */
  params: Record<string, unknown>;
}

/** The context a list needs: a RequestContext is one. */
export interface PagingContext {
  db: CloudDatabase;
  openid: string;
  ports: { keys(): KeyRing };
}

const MAC_BYTES = 16;
const CURSOR_PATTERN = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{22})$/;
const NESTING_LIMIT = 12;

export const CURSOR_INVALID_MESSAGE = '翻页标记无效，请从第一页重新查询';

const cursorInvalid = () => new DomainError('BAD_REQUEST', CURSOR_INVALID_MESSAGE, { cursor: 'format' });

/**
 * A deterministic form of a filter or of parameters: object keys sorted, dates as milliseconds, the database's
 * command objects (`_.gte(…)`) by their class and fields.
 */
function canonical(value: unknown, depth = 0): unknown {
  if (depth > NESTING_LIMIT) throw new Error('paging filter nested too deeply');
  if (value instanceof Date) return { $date: value.getTime() };
  if (Array.isArray(value)) return value.map((item) => canonical(item, depth + 1));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    const proto = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
    if (proto && proto !== Object.prototype) out.$class = proto.constructor?.name ?? '?';
    for (const key of Object.keys(value).sort()) {
      const field = (value as Record<string, unknown>)[key];
      if (field !== undefined && typeof field !== 'function') out[key] = canonical(field, depth + 1);
    }
    return out;
  }
  return typeof value === 'bigint' ? String(value) : value;
}

function boundParams(params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params))
    if (key !== 'cursor' && key !== 'limit') out[key] = value;
  return out;
}

function mac(keys: KeyRing, scope: CursorScope, payload: string): Buffer {
  const message = JSON.stringify([
    'jxm-cursor-v1',
    scope.list,
    scope.openid,
    canonical(scope.filter),
    canonical(boundParams(scope.params)),
    payload,
  ]);
  return createHmac('sha256', purposeKey(keys, 'paging-cursor'))
    .update(message)
    .digest()
    .subarray(0, MAC_BYTES);
}

export function encodeCursor(keys: KeyRing, scope: CursorScope, cursor: Cursor): string {
  let ids = cursor.ids;
  for (;;) {
    const payload = Buffer.from(JSON.stringify({ at: cursor.at, ids })).toString('base64url');
    const text = `${payload}.${mac(keys, scope, payload).toString('base64url')}`;
    // never longer than a list takes back: drop the oldest tied ids first (they may then be shown twice)
    if (text.length <= CURSOR_MAX_LENGTH || ids.length === 0) return text;
    ids = ids.slice(Math.max(1, Math.floor(ids.length / 10)));
  }
}

/** The cursor's content, once its MAC shows that it was issued for this scope; else BAD_REQUEST. */
export function decodeCursor(keys: KeyRing, scope: CursorScope, text: string | undefined): Cursor | null {
  if (text === undefined) return null;
  const parts = CURSOR_PATTERN.exec(text);
  if (!parts) throw cursorInvalid();
  const given = Buffer.from(parts[2], 'base64url');
  const expected = mac(keys, scope, parts[1]);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw cursorInvalid();
  // base64url decoding ignores the unused low bits of the last character: only the text the server issued counts
  if (given.toString('base64url') !== parts[2]) throw cursorInvalid();
  try {
    const parsed = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Cursor;
    if (
      Number.isSafeInteger(parsed.at) &&
      Array.isArray(parsed.ids) &&
      parsed.ids.length <= MAX_TIED_IDS &&
      parsed.ids.every((id) => typeof id === 'string')
    ) {
      return parsed;
    }
  } catch {
    // fall through
  }
  throw cursorInvalid();
}

/**
 * One page of a list, newest first.
 *
 * `pageNewestFirst(ctx, 'records.scans', 'scans', filter, 'scannedAt', params)`: the cursor is bound to
 * `ctx.openid`, the list's name, `filter` and `params`.
 */
export function pageNewestFirst<T extends Identified>(
  ctx: PagingContext,
  list: string,
  collection: CollectionName,
  filter: Record<string, unknown>,
  dateField: string,
  page: { cursor?: string; limit?: number },
): Promise<{ items: T[]; next: string | null }> {
  const scope: CursorScope = { openid: ctx.openid, list, filter, params: page };
  return pageOf<T>(ctx.db, ctx.ports.keys(), scope, collection, dateField, page);
}

async function pageOf<T extends Identified>(
  db: CloudDatabase,
  keys: KeyRing,
  scope: CursorScope,
  collection: CollectionName,
  dateField: string,
  page: { cursor?: string; limit?: number },
): Promise<{ items: T[]; next: string | null }> {
  const { filter } = scope;
  const limit = page.limit ?? DEFAULT_PAGE;
  const cursor = decodeCursor(keys, scope, page.cursor);
  const _ = db.command;
  // the cursor's bound joins any range the caller already has on the date field (from/to), never replaces it
  const where = cursor ? _.and([filter, { [dateField]: _.lte(new Date(cursor.at)) }]) : filter;
  const seen = new Set(cursor?.ids ?? []);
  const res = await db
    .collection(collection)
    .where(where)
    .orderBy(dateField, 'desc')
    .limit(limit + seen.size + 1)
    .get();
  const rows = (res.data as T[]).filter((row) => !seen.has(row._id));
  const items = rows.slice(0, limit);
  if (rows.length <= limit) return { items, next: null };
  const last = items[items.length - 1] as unknown as Record<string, unknown>;
  const lastAt = (last[dateField] as Date).getTime();
  const idsAtLast = items.filter(
    (i) => (i as unknown as Record<string, Date>)[dateField].getTime() === lastAt,
  );
  const carried = cursor && cursor.at === lastAt ? cursor.ids : [];
  const ids = [...carried, ...idsAtLast.map((i) => i._id)].slice(-MAX_TIED_IDS);
  return { items, next: encodeCursor(keys, scope, { at: lastAt, ids }) };
}
