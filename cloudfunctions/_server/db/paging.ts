/**
 * Lists of API.md section 2: `{ cursor?, limit? }` in, `{ items, next }` out, newest first, by keyset on a date
 * field (never skip/offset, so a deep page costs what the first one does). The cursor is opaque to clients:
 * the boundary instant and the ids already returned at that instant, so ties are neither lost nor repeated.
 */
import { DomainError } from '../envelope';
import type { CloudDatabase } from '../cloud';
import type { CollectionName } from './collections';
import type { Identified } from './repository';

export const DEFAULT_PAGE = 20;
/** Ids tied on the boundary instant that a cursor carries; more ties than this at one instant are not paged. */
const MAX_TIED_IDS = 200;

interface Cursor {
  at: number;
  ids: string[];
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeCursor(text: string | undefined): Cursor | null {
  if (text === undefined) return null;
  try {
    const parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor;
    if (
      Number.isFinite(parsed.at) &&
      Array.isArray(parsed.ids) &&
      parsed.ids.length <= MAX_TIED_IDS &&
      parsed.ids.every((id) => typeof id === 'string')
    ) {
      return parsed;
    }
  } catch {
    // fall through
  }
  throw new DomainError('BAD_REQUEST', undefined, { cursor: 'format' });
}

export async function pageNewestFirst<T extends Identified>(
  db: CloudDatabase,
  collection: CollectionName,
  filter: Record<string, unknown>,
  dateField: string,
  page: { cursor?: string; limit?: number },
): Promise<{ items: T[]; next: string | null }> {
  const limit = page.limit ?? DEFAULT_PAGE;
  const cursor = decodeCursor(page.cursor);
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
  return { items, next: encodeCursor({ at: lastAt, ids }) };
}
