/** Documents as the embedded database keeps them, and the errors it answers with. */
import { EJSON } from 'bson';
import { parseRelaxed } from './ejson';

export type DocId = string | number;
export type Doc = { _id: DocId; [field: string]: unknown };
export type Filter = Record<string, unknown>;
export type Order = Array<[string, 1 | -1]>;

export class StoreError extends Error {
  constructor(
    readonly code:
      | 'DATABASE_REQUEST_FAILED'
      | 'DATABASE_COLLECTION_NOT_EXIST'
      | 'DATABASE_TRANSACTION_CONFLICT'
      | 'INVALID_PARAM',
    message: string,
  ) {
    super(message);
  }
}

export function duplicateKeyError(collection: string, index: string): StoreError {
  // The key itself is left out: it may be derived from personal data, and messages end up in logs.
  return new StoreError(
    'DATABASE_REQUEST_FAILED',
    `[FailedOperation] E11000 duplicate key error collection: ${collection} index: ${index}`,
  );
}

export function parseDoc(text: string): Doc {
  return parseRelaxed(text) as Doc; // EJSON.parse(text, { relaxed: true }), faster
}

export function serializeDoc(doc: Doc): string {
  return EJSON.stringify(doc, { relaxed: true });
}

/** The stored text each document read from storage was parsed from (see textOf). */
const storedText = new WeakMap<Doc, string>();

/** A document read from storage: parsed, and its text kept for a reply to send as it is. */
export function parseStoredDoc(text: string): Doc {
  const doc = parseDoc(text);
  storedText.set(doc, text);
  return doc;
}

/**
 * A document as relaxed EJSON: the text it was read from, when it was read from storage (what serializeDoc wrote
 * for it, so the same text serializeDoc would give again), else serialized now. Documents read from storage are
 * never changed in place: updates and projections work on copies.
 */
export function textOf(doc: Doc): string {
  return storedText.get(doc) ?? serializeDoc(doc);
}

/** Value at a dotted path; arrays along the way yield the values of every element (MongoDB's multikey paths). */
export function valuesAtPath(doc: unknown, path: string): unknown[] {
  let current: unknown[] = [doc];
  for (const part of path.split('.')) {
    const next: unknown[] = [];
    for (const value of current) {
      if (Array.isArray(value)) {
        for (const element of value) {
          if (element && typeof element === 'object' && part in (element as object)) {
            next.push((element as Record<string, unknown>)[part]);
          }
        }
      } else if (value && typeof value === 'object' && part in (value as object)) {
        next.push((value as Record<string, unknown>)[part]);
      }
    }
    current = next;
  }
  return current;
}
