/**
 * The filters most reads send, tested without building a mingo matcher: fields compared with a string, a number, a
 * boolean or a date — equal to it, or on one side of it ($eq, $gt, $gte, $lt, $lte) — joined by $and (a read by
 * code, the scans of a code around a time). Building mingo's matcher costs more than the rest of such a read.
 *
 * The answer is mingo's own wherever it is given: a document whose field holds something else — missing, null, an
 * array, an object, a value of another type, or a path through an array — gets `undefined`, and the caller asks
 * mingo. So only a comparison of two values of the same plain type is decided here, where MongoDB, mingo and
 * JavaScript agree. A filter with anything else in it is not a plain filter (null), and goes to mingo whole.
 */
import { isPlainObject } from '../../../miniprogram/core/validation';
import type { Doc, Filter } from './documents';

/** true or false when decided here; undefined when mingo must decide for this document. */
export type PlainTest = (doc: Doc) => boolean | undefined;

type Scalar = string | number | boolean | Date;
type Op = '$eq' | '$gt' | '$gte' | '$lt' | '$lte';

interface Clause {
  path: string[];
  op: Op;
  value: Scalar;
}

const OPS = new Set<string>(['$eq', '$gt', '$gte', '$lt', '$lte']);

function isScalar(value: unknown): value is Scalar {
  if (typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  return value instanceof Date && !Number.isNaN(value.getTime());
}

/** A field path with no operator and no array position in it (`a.0` may name an element in MongoDB). */
function pathOf(field: string): string[] | null {
  const parts = field.split('.');
  return parts.every((p) => p !== '' && !p.startsWith('$') && !/^\d+$/.test(p)) ? parts : null;
}

function clausesOf(filter: unknown, into: Clause[]): boolean {
  if (!isPlainObject(filter)) return false;
  for (const [key, cond] of Object.entries(filter)) {
    if (key === '$and') {
      if (!Array.isArray(cond) || cond.length === 0) return false;
      if (!cond.every((part) => clausesOf(part, into))) return false;
      continue;
    }
    const path = pathOf(key);
    if (!path) return false;
    if (isScalar(cond)) {
      into.push({ path, op: '$eq', value: cond });
      continue;
    }
    if (!isPlainObject(cond)) return false;
    const ops = Object.entries(cond);
    if (ops.length === 0) return false;
    for (const [op, value] of ops) {
      if (!OPS.has(op) || !isScalar(value)) return false;
      if (typeof value === 'boolean' && op !== '$eq') return false;
      into.push({ path, op: op as Op, value });
    }
  }
  return true;
}

/** The value at a path of plain objects, or undefined when the path leaves them (mingo decides then). */
function valueAt(doc: Doc, path: string[]): unknown {
  let value: unknown = doc;
  for (const part of path) {
    if (!isPlainObject(value)) return undefined;
    value = value[part];
  }
  return value;
}

/** -1, 0 or 1 for two values of the same plain type; undefined for anything else. */
function compareSameType(a: unknown, b: Scalar): number | undefined {
  if (b instanceof Date) {
    if (!(a instanceof Date)) return undefined;
    const x = a.getTime();
    const y = b.getTime();
    if (Number.isNaN(x)) return undefined;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a !== typeof b) return undefined;
  if (typeof a === 'number' && !Number.isFinite(a)) return undefined;
  return (a as string | number | boolean) < b ? -1 : (a as string | number | boolean) > b ? 1 : 0;
}

function holds(op: Op, order: number): boolean {
  switch (op) {
    case '$eq':
      return order === 0;
    case '$gt':
      return order > 0;
    case '$gte':
      return order >= 0;
    case '$lt':
      return order < 0;
    case '$lte':
      return order <= 0;
  }
}

/** The test of a plain filter (see above), or null when the filter is not one. */
export function plainFilterTest(filter: Filter): PlainTest | null {
  const clauses: Clause[] = [];
  if (!clausesOf(filter, clauses) || clauses.length === 0) return null;
  return (doc) => {
    let undecided = false;
    for (const { path, op, value } of clauses) {
      const order = compareSameType(valueAt(doc, path), value);
      if (order === undefined) undecided = true;
      // one clause that fails decides, whatever the others hold
      else if (!holds(op, order)) return false;
    }
    return undecided ? undefined : true;
  };
}
