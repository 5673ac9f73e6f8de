/**
 * The embedded document store behind the local cloud: one SQLite table per collection (better-sqlite3, WAL),
 * documents kept as relaxed EJSON, and one side table per declared index holding order-preserving keys (see
 * key-codec.ts). Writes are group-committed (see transaction()): the writes of concurrent requests share one SQLite
 * transaction and one fdatasync of the WAL, and durable() says when what was written is on disk. Filters, updates
 * and aggregation follow MongoDB through mingo; the planner here decides which rows mingo gets to look at, and
 * records what it did so that tests can check that a query on a declared index never scans its collection.
 */
import { closeSync, fdatasync, fdatasyncSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
// from node:timers, not the global: the page tests run the local cloud in jsdom, which has no setImmediate
import { setImmediate } from 'node:timers';
import { Aggregator, Query, find as mingoFind, update as mingoUpdate } from 'mingo';
import { Context } from 'mingo/core';
import * as queryOperators from 'mingo/operators/query';
import { Query as QueryOfContext } from 'mingo/query';
import { MingoError } from 'mingo/util';
import type { CollectionSpec, IndexSpec } from '../../../cloudfunctions/_server/db/collections';
import { AFTER, encodeComponent, encodeKey, isIndexableScalar, tagOf } from './key-codec';
import { extractGeo, type GeoClause } from './geo';
import { plainFilterTest } from './plain-filter';
import {
  StoreError,
  duplicateKeyError,
  parseDoc,
  parseStoredDoc,
  textOf,
  serializeDoc,
  valuesAtPath,
  type Doc,
  type DocId,
  type Filter,
  type Order,
} from './documents';

export { StoreError, parseDoc, serializeDoc, textOf, type Doc, type DocId, type Filter, type Order };

/**
 * The query operators alone: mingo copies its context's operator tables into every Query it builds, and its full
 * context (expressions, accumulators, stages…) costs more to copy than the rest of a small query does to compile.
 * A filter that uses expressions ($expr) gets mingo's full context.
 */
const QUERY_CONTEXT = Context.init({ query: queryOperators } as never);

function usesExpressions(filter: unknown): boolean {
  if (Array.isArray(filter)) return filter.some(usesExpressions);
  if (!filter || typeof filter !== 'object' || filter instanceof Date || filter instanceof RegExp)
    return false;
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$expr' || usesExpressions(value)) return true;
  }
  return false;
}

/**
 * The test a document must pass to match a filter, split by extractGeo: mingo's matcher for the rest, built with no
 * more operators than it needs (and only when a document needs it: plain-filter.ts decides the common filters
 * itself), and the geo clause (geo.ts).
 */
function matchTest(rest: Filter, geo: GeoClause | null): (doc: Doc) => boolean {
  // a document by its _id alone (`doc(id).get()`, most reads of an action): no matcher to build
  const keys = Object.keys(rest);
  const id = rest._id;
  if (!geo && keys.length === 1 && (typeof id === 'string' || typeof id === 'number'))
    return (doc) => doc._id === id;
  const build = () =>
    usesExpressions(rest) ? new Query(rest) : new QueryOfContext(rest, { context: QUERY_CONTEXT });
  const plain = plainFilterTest(rest);
  // a filter mingo refuses is refused when the read starts, as before; a plain one it always takes
  let matcher = plain ? undefined : build();
  const mingoTest = (doc: Doc) => (matcher ??= build()).test(doc);
  const restTest = plain ? (doc: Doc) => plain(doc) ?? mingoTest(doc) : mingoTest;
  return geo ? (doc) => restTest(doc) && geo.test(doc) : restTest;
}

interface CompiledFilter {
  rest: Filter;
  geo: GeoClause | null;
  test: (doc: Doc) => boolean;
}

/**
 * A filter split and its test built, once for the filter object a read passes: the engine hands the same filter
 * to find() and then to pendingAffects(). Kept by the object, so a filter must not be changed once it is read
 * (the engine parses a new one for every wire action).
 */
const compiledFilters = new WeakMap<Filter, CompiledFilter>();

function compileFilter(filter: Filter): CompiledFilter {
  let compiled = compiledFilters.get(filter);
  if (!compiled) {
    const { rest, geo } = extractGeo(filter);
    compiled = { rest, geo, test: matchTest(rest, geo) };
    compiledFilters.set(filter, compiled);
  }
  return compiled;
}

/** fn's result; a function that returns a promise is refused: its writes would outlive the transaction. */
function runSynchronous<T>(fn: () => T): T {
  const result = fn();
  if (result && typeof (result as { then?: unknown }).then === 'function') {
    throw new TypeError('Store.transaction() runs synchronous functions only');
  }
  return result;
}

export interface FindOptions {
  order?: Order;
  skip?: number;
  limit?: number;
  projection?: Record<string, unknown>;
}

/** What the planner did for one query; `index: null` means the collection was scanned. */
export interface QueryPlan {
  collection: string;
  index: string | null;
  /** The index delivered the rows in the requested order, so the scan stopped at skip + limit. */
  sortedByIndex: boolean;
  keysExamined: number;
  docsExamined: number;
}

function indexComponents(doc: Doc, path: string): unknown[] {
  const found = valuesAtPath(doc, path);
  if (found.length === 0) return [null];
  const flat: unknown[] = [];
  for (const value of found) {
    if (Array.isArray(value)) flat.push(...(value.length ? value : [null]));
    else flat.push(value);
  }
  return flat;
}

function cartesian(lists: unknown[][]): unknown[][] {
  return lists.reduce<unknown[][]>(
    (acc, list) => acc.flatMap((prefix) => list.map((value) => [...prefix, value])),
    [[]],
  );
}

interface IndexRuntime {
  spec: IndexSpec;
  table: string;
  insert: Database.Statement;
  /** One entry, by its key and document: a document's entries are found from its content, not by its id. */
  deleteEntry: Database.Statement;
  /** Fields for which some document has given more than one key (an array of two or more elements). */
  multikey: Set<string>;
}

interface CollectionRuntime {
  name: string;
  table: string;
  indexes: IndexRuntime[];
  get: Database.Statement;
  insert: Database.Statement;
  update: Database.Statement;
  remove: Database.Statement;
  scan: Database.Statement;
  count: Database.Statement;
}

interface Bound {
  value: unknown;
  inclusive: boolean;
}

interface FieldBounds {
  eq?: unknown[];
  lower?: Bound;
  upper?: Bound;
}

const RANGE_OPS = new Set(['$gt', '$gte', '$lt', '$lte']);

/**
 * The tighter of two bounds on the same side (`side` 1: lower bounds, the greater wins; -1: upper bounds, the
 * smaller wins); at the same value the exclusive one. Values compare as their index keys do (across types too:
 * either bound is a superset of what the conjunction matches, so the tighter one is always right to use).
 */
function tighter(current: Bound | undefined, next: Bound, side: 1 | -1): Bound {
  if (!current) return next;
  const order = Buffer.compare(encodeComponent(next.value), encodeComponent(current.value)) * side;
  if (order > 0) return next;
  if (order < 0) return current;
  return current.inclusive ? next : current;
}

/**
 * Top-level conjuncts of a filter (`$and` included): field → the simple conditions an index can use. Several
 * ranges on one field (the caller's `from`/`to` and a cursor's bound, say) narrow to the tightest lower and upper
 * bound; of several equality lists the shortest is kept (on an array field `{$and: [{a: 1}, {a: 2}]}` matches
 * documents holding both, so each list alone still finds every match).
 */
export function analyseFilter(filter: Filter): Map<string, FieldBounds> {
  const bounds = new Map<string, FieldBounds>();
  const visit = (clause: Filter) => {
    for (const [field, cond] of Object.entries(clause)) {
      if (field === '$and' && Array.isArray(cond)) {
        cond.forEach((item) => item && typeof item === 'object' && visit(item as Filter));
        continue;
      }
      if (field.startsWith('$')) continue;
      const b = bounds.get(field) ?? {};
      const equal = (values: unknown[]) => {
        if (!b.eq || values.length < b.eq.length) b.eq = values;
      };
      if (isIndexableScalar(cond)) {
        equal([cond]);
      } else if (cond && typeof cond === 'object' && !Array.isArray(cond) && !(cond instanceof RegExp)) {
        for (const [op, value] of Object.entries(cond as Record<string, unknown>)) {
          if (op === '$eq' && isIndexableScalar(value)) equal([value]);
          else if (
            op === '$in' &&
            Array.isArray(value) &&
            value.length > 0 &&
            value.every(isIndexableScalar)
          ) {
            equal([...value]);
          } else if (RANGE_OPS.has(op) && isIndexableScalar(value)) {
            const bound = { value, inclusive: op === '$gte' || op === '$lte' };
            if (op === '$gt' || op === '$gte') b.lower = tighter(b.lower, bound, 1);
            else b.upper = tighter(b.upper, bound, -1);
          }
        }
      }
      bounds.set(field, b);
    }
  };
  visit(filter);
  return bounds;
}

interface Plan {
  index: IndexRuntime;
  ranges: Array<[Buffer, Buffer]>;
  direction: 'ASC' | 'DESC' | null;
  score: number;
}

function planIndex(index: IndexRuntime, bounds: Map<string, FieldBounds>, order: Order): Plan | null {
  const fields = index.spec.fields.map(([f]) => f);
  const eqLists: unknown[][] = [];
  let position = 0;
  while (position < fields.length && bounds.get(fields[position])?.eq) {
    eqLists.push(bounds.get(fields[position])!.eq!);
    position++;
  }
  const rangeField = position < fields.length ? bounds.get(fields[position]) : undefined;
  let range = rangeField && (rangeField.lower || rangeField.upper) ? rangeField : undefined;
  // On a multikey field one element may satisfy $gt and another $lt (MongoDB matches ['a', 'z'] with
  // {$gt: 'b', $lt: 'y'}), so, as MongoDB does, only one bound narrows the keys; the filter decides the rest.
  if (range?.lower && range.upper && index.multikey.has(fields[position])) range = { lower: range.lower };
  if (eqLists.length === 0 && !range) return null;

  const prefixes = cartesian(eqLists).map((values) => encodeKey(values));
  const ranges: Array<[Buffer, Buffer]> = prefixes.map((prefix) => {
    if (!range) return [prefix, Buffer.concat([prefix, Buffer.from([AFTER])])];
    const typeTag = tagOf((range.lower ?? range.upper)!.value);
    const lo = range.lower
      ? Buffer.concat([
          prefix,
          encodeComponent(range.lower.value),
          range.lower.inclusive ? Buffer.alloc(0) : Buffer.from([AFTER]),
        ])
      : Buffer.concat([prefix, Buffer.from([typeTag])]);
    const hi = range.upper
      ? Buffer.concat([
          prefix,
          encodeComponent(range.upper.value),
          range.upper.inclusive ? Buffer.from([AFTER]) : Buffer.alloc(0),
        ])
      : Buffer.concat([prefix, Buffer.from([typeTag + 1])]);
    return [lo, hi];
  });

  // The index returns rows in order when there is one key range and the requested order is the next fields.
  const eqFields = new Set(fields.slice(0, position));
  const wanted = order.filter(([f]) => !eqFields.has(f));
  let direction: Plan['direction'] = null;
  if (ranges.length === 1) {
    const sameFields = wanted.every(([f], i) => fields[position + i] === f);
    const sameDirection = wanted.every(([, d]) => d === wanted[0]?.[1]);
    if (sameFields && sameDirection) direction = wanted[0]?.[1] === -1 ? 'DESC' : 'ASC';
  }
  const score = eqLists.length * 4 + (range ? 2 : 0) + (direction ? 1 : 0);
  return { index, ranges, direction, score };
}

/** Documents per transaction when a new index is filled from the documents already stored. */
const BACKFILL_BATCH = 10_000;

const NUMERIC_UPDATES = new Set(['$inc', '$mul']);
const ARRAY_UPDATES = new Set(['$push', '$addToSet', '$pop', '$pull', '$pullAll']);

/**
 * MongoDB refuses an update whose operator does not fit the value it meets ($inc on a string, $push onto a
 * non-array, a path that runs through a scalar); mingo would skip it silently and report nothing changed.
 */
function checkUpdateTargets(doc: Doc, update: Record<string, unknown>): void {
  const refuse = (message: string) =>
    new StoreError('DATABASE_REQUEST_FAILED', `[FailedOperation] ${message}`);
  for (const [op, fields] of Object.entries(update)) {
    if (op === '$unset' || op === '$rename' || !fields || typeof fields !== 'object') continue;
    for (const path of Object.keys(fields)) {
      const parts = path.split('.');
      let current: unknown = doc;
      let found = true;
      for (let i = 0; i < parts.length; i++) {
        const part = parts[i];
        if (part.startsWith('$')) {
          found = false; // positional paths are mingo's to resolve
          break;
        }
        if (current === undefined) {
          found = false;
          break;
        }
        const container = current !== null && typeof current === 'object' && !(current instanceof Date);
        if (!container || (Array.isArray(current) && !/^\d+$/.test(part))) {
          // values stay out of the message: they may be personal data, and messages end up in logs
          const kind = current === null ? 'null' : Array.isArray(current) ? 'array' : typeof current;
          throw refuse(
            `Cannot create field '${part}' in element '${parts.slice(0, i).join('.')}' of type ${kind}`,
          );
        }
        current = (current as Record<string, unknown>)[part];
      }
      if (!found || current === undefined) continue;
      if (NUMERIC_UPDATES.has(op) && typeof current !== 'number') {
        throw refuse(`Cannot apply ${op} to a value of non-numeric type: field '${path}'`);
      }
      if (ARRAY_UPDATES.has(op) && !Array.isArray(current)) {
        throw refuse(`Cannot apply ${op} to a non-array value: field '${path}'`);
      }
    }
  }
}

/**
 * Writes that join one SQLite transaction (see Store.transaction): `durable` settles when it commits (resolved)
 * or is rolled back whole (rejected with why).
 */
interface WriteGroup {
  /** Numbers the groups of this Store in order: 1, 2, 3… */
  generation: number;
  durable: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
  /** transaction() calls that have run in it, nested ones included. */
  writes: number;
}

/** A pending document whose durable content is not known (see PendingDoc.before). */
const UNKNOWN = Symbol('unknown');

/**
 * A document written by a group that is not durable yet: what a read must compare with to know whether its answer
 * could show something that is not durable (Store.pendingAffects).
 */
interface PendingDoc {
  /** Its durable content (null: absent), or UNKNOWN once that has moved on without it (a later group, a failure). */
  before: Doc | null | typeof UNKNOWN;
  /** Its content now (null: absent). */
  after: Doc | null;
  /** The generations of the group that first wrote it, and of the last one. */
  created: number;
  generation: number;
}

/** _id values a filter pins the documents to (`_id: x`, `$eq`, `$in`), or null. */
function pinnedIds(filter: Filter): unknown[] | null {
  const cond = filter._id;
  if (isIndexableScalar(cond)) return [cond];
  if (cond && typeof cond === 'object' && !Array.isArray(cond) && !(cond instanceof RegExp)) {
    const c = cond as Record<string, unknown>;
    if (isIndexableScalar(c.$eq)) return [c.$eq];
    if (Array.isArray(c.$in) && c.$in.every(isIndexableScalar)) return c.$in;
  }
  return null;
}

/**
 * A group this large is committed and synced at once, at the end of the write that reached it: a bulk load (the
 * bench's seeding) is synchronous code, and must not hold its writes, or their pending notes, until it ends.
 */
const GROUP_MAX_WRITES = 10_000;

const DURABLE: Promise<void> = Promise.resolve();

export class Store {
  readonly db: Database.Database;
  private readonly collections = new Map<string, CollectionRuntime>();
  private readonly specs: Record<string, CollectionSpec>;
  /** The planner's prepared statements, by their text. */
  private readonly statements = new Map<string, Database.Statement>();
  /** The last plan per collection, for tests and `explain`. */
  readonly lastPlan = new Map<string, QueryPlan>();
  /**
   * Group commit at work: groups committed, the top-level transaction() calls they held, and the WAL syncs that
   * made them durable (for tests and the bench).
   */
  readonly groupStats = { groups: 0, writes: 0, syncs: 0 };
  /**
   * Asked as a group commits: true to sync the WAL there and then, on the event loop, rather than in the thread
   * pool. The engine says true when the one request in flight is the one waiting for this group: nothing could run
   * meanwhile, and the hand-off to the thread pool would only add to its wait (one client writing alone).
   */
  syncInline: () => boolean = () => false;
  /** How many times each collection was scanned whole. */
  readonly collectionScans = new Map<string, number>();
  /**
   * The revision the next write stamps on its document. Revisions never repeat within a process (a document
   * removed and added again gets a new one, so a transaction that read the old one sees the change); starting from
   * the clock in microseconds keeps them above those of earlier runs.
   */
  private lastRevision = Date.now() * 1000;
  private readonly rescanMultikey: boolean;
  private readonly markMultikey: Database.Statement;
  /** The group commit's own statements, prepared once. */
  private readonly txStatements: Record<
    'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'rollbackTo' | 'normalSync' | 'fullSync',
    Database.Statement
  >;
  /** The open group (see transaction()), or null when everything written is committed. */
  private group: WriteGroup | null = null;
  /** Groups committed whose WAL sync has not started yet; those whose sync is running. */
  private unsynced: WriteGroup[] = [];
  private syncing: WriteGroup[] = [];
  private generation = 0;
  /** collection → _id → the documents written and not durable yet. */
  private readonly pending = new Map<string, Map<string, PendingDoc>>();
  /** How to undo the changes to `pending` of the savepoints still open (see transaction()). */
  private readonly journal: Array<{ docs: Map<string, PendingDoc>; key: string; prev?: PendingDoc }> = [];
  /**
   * The WAL, which groups sync themselves (see syncWal); null when commits sync on their own (SQLite did not
   * take WAL mode, or the database is in memory).
   */
  private readonly walFile: string | null;
  private walFd: number | undefined;
  /** fdatasyncs of walFd running in the thread pool (one, but for a flush() while one runs). */
  private walSyncsRunning = 0;
  /** How deep the running transaction() calls are nested (0: none is running). */
  private depth = 0;
  /** The first failure of a nested transaction() call inside the running outermost one. */
  private nestedFailure: { err: unknown } | null = null;

  /**
   * `shared`: let other connections read the file while this store has it open (a test's witness of what is
   * committed). By default the store is the file's one user: it holds SQLite's locks for as long as it is open
   * instead of taking and dropping them around every read and every commit (~5 fcntl calls a scan), and the WAL's
   * index lives in this process's memory instead of a shared -shm file. Another connection to the file then gets
   * SQLITE_BUSY ("database is locked").
   */
  constructor(file: string, specs: Record<string, CollectionSpec>, options: { shared?: boolean } = {}) {
    this.db = new Database(file);
    try {
      if (!options.shared) this.db.pragma('locking_mode = EXCLUSIVE');
      const journal = this.db.pragma('journal_mode = WAL', { simple: true });
      this.db.pragma('synchronous = FULL');
      this.walFile = journal === 'wal' && !this.db.memory ? `${this.db.name}-wal` : null;
      this.db.pragma('busy_timeout = 5000');
      // every write runs in a savepoint of its group, whose sub-journal keeps the pages it changes to undo it; SQLite
      // holds a sub-journal in memory up to 64 KiB and writes it to a temporary file beyond (a write() per page),
      // which a scan's document and its index entries pass. Kept in memory, an index entry costs ~5 µs instead of
      // ~14. Durability is the WAL's, which this does not touch.
      this.db.pragma('temp_store = MEMORY');
      this.specs = specs;
      this.db.exec(
        'CREATE TABLE IF NOT EXISTS _collections (name TEXT PRIMARY KEY, created_at TEXT NOT NULL)',
      );
      // files from before multikey fields were recorded have their documents read once to find them
      this.rescanMultikey = !this.db
        .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_multikey'")
        .get();
      this.db.exec(
        'CREATE TABLE IF NOT EXISTS _multikey (index_table TEXT NOT NULL, field TEXT NOT NULL, PRIMARY KEY (index_table, field)) WITHOUT ROWID',
      );
      this.markMultikey = this.db.prepare(
        'INSERT OR IGNORE INTO _multikey (index_table, field) VALUES (?, ?)',
      );
      this.txStatements = {
        begin: this.db.prepare('BEGIN IMMEDIATE'),
        commit: this.db.prepare('COMMIT'),
        rollback: this.db.prepare('ROLLBACK'),
        savepoint: this.db.prepare('SAVEPOINT write'),
        release: this.db.prepare('RELEASE write'),
        rollbackTo: this.db.prepare('ROLLBACK TO write'),
        normalSync: this.db.prepare('PRAGMA synchronous = NORMAL'),
        fullSync: this.db.prepare('PRAGMA synchronous = FULL'),
      };
      const existing = this.db.prepare('SELECT name FROM _collections').all() as Array<{ name: string }>;
      for (const { name } of existing) this.openCollection(name);
    } catch (err) {
      // a store that cannot open (a unique index its documents break) lets go of the file
      this.db.close();
      throw err;
    }
  }

  /** Commits what is written (see flush()) and closes the file. */
  close(): void {
    try {
      if (this.db.open) this.flush();
    } finally {
      this.db.close();
      // a sync still running on it closes it when it ends
      if (this.walSyncsRunning === 0) this.closeWal();
    }
  }

  private closeWal(): void {
    if (this.walFd !== undefined) closeSync(this.walFd);
    this.walFd = undefined;
  }

  hasCollection(name: string): boolean {
    return this.collections.has(name);
  }

  collectionNames(): string[] {
    return [...this.collections.keys()];
  }

  /** Creates the collection (and its declared indexes); false when it existed already. */
  createCollection(name: string): boolean {
    if (!/^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(name)) {
      throw new StoreError('INVALID_PARAM', `invalid collection name: ${name}`);
    }
    if (this.collections.has(name)) return false;
    // new tables are committed on their own: a group that failed would otherwise take them with it
    this.flush();
    this.db
      .prepare('INSERT OR IGNORE INTO _collections (name, created_at) VALUES (?, ?)')
      .run(name, new Date().toISOString());
    this.openCollection(name);
    return true;
  }

  private openCollection(name: string): void {
    const table = `c_${name}`;
    this.db.exec(
      `CREATE TABLE IF NOT EXISTS "${table}" (id TEXT PRIMARY KEY, rev INTEGER NOT NULL, data TEXT NOT NULL)`,
    );
    const indexes: IndexRuntime[] = [];
    const building: IndexRuntime[] = [];
    const rescanning: IndexRuntime[] = [];
    const builds = this.indexBuilds();
    for (const spec of this.specs[name]?.indexes ?? []) {
      const indexTable = `x_${name}__${spec.name}`;
      const fresh = !this.db
        .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")
        .get(indexTable);
      // a new index's table and the mark that it is being built are created together; the mark goes when every
      // document is in it, so that a start cut short (a crash, a duplicate key) builds it again at the next one
      this.db.transaction(() => {
        this.db.exec(
          // one B-tree per index: a document's entries are removed by the keys its stored content gives (an
          // index by id, as earlier versions kept, doubled the writes of every entry)
          `CREATE TABLE IF NOT EXISTS "${indexTable}" (k BLOB NOT NULL, id TEXT NOT NULL, PRIMARY KEY (k, id)) WITHOUT ROWID;
           DROP INDEX IF EXISTS "${indexTable}__id";` +
            (spec.unique
              ? `CREATE UNIQUE INDEX IF NOT EXISTS "${indexTable}__unique" ON "${indexTable}" (k);`
              : ''),
        );
        if (fresh) builds.mark.run(indexTable);
      })();
      const runtime: IndexRuntime = {
        spec,
        table: indexTable,
        insert: this.db.prepare(`INSERT INTO "${indexTable}" (k, id) VALUES (?, ?)`),
        deleteEntry: this.db.prepare(`DELETE FROM "${indexTable}" WHERE k = ? AND id = ?`),
        multikey: new Set(
          (
            this.db.prepare('SELECT field FROM _multikey WHERE index_table = ?').all(indexTable) as Array<{
              field: string;
            }>
          ).map((row) => row.field),
        ),
      };
      indexes.push(runtime);
      if (builds.pending.get(indexTable)) building.push(runtime);
      else if (this.rescanMultikey) rescanning.push(runtime);
    }
    if (building.length > 0) this.backfill(table, name, building);
    if (rescanning.length > 0) this.backfill(table, name, rescanning, false);
    this.collections.set(name, {
      name,
      table,
      indexes,
      get: this.db.prepare(`SELECT rev, data FROM "${table}" WHERE id = ?`),
      insert: this.db.prepare(`INSERT INTO "${table}" (id, rev, data) VALUES (?, ?, ?)`),
      update: this.db.prepare(`UPDATE "${table}" SET rev = ?, data = ? WHERE id = ?`),
      remove: this.db.prepare(`DELETE FROM "${table}" WHERE id = ?`),
      scan: this.db.prepare(`SELECT data FROM "${table}"`),
      count: this.db.prepare(`SELECT count(*) AS n FROM "${table}"`),
    });
  }

  /** The `_index_builds` table: the index tables whose build has not finished (created on first use). */
  private indexBuilds(): { mark: Database.Statement; pending: Database.Statement; done: Database.Statement } {
    this.db.exec('CREATE TABLE IF NOT EXISTS _index_builds (index_table TEXT PRIMARY KEY) WITHOUT ROWID');
    return {
      mark: this.statement('INSERT OR IGNORE INTO _index_builds (index_table) VALUES (?)'),
      pending: this.statement('SELECT 1 FROM _index_builds WHERE index_table = ?'),
      done: this.statement('DELETE FROM _index_builds WHERE index_table = ?'),
    };
  }

  /**
   * Indexes the documents already there (or, with entries false, only finds the multikey fields): every index of
   * the list in one pass over the collection, BACKFILL_BATCH documents per SQLite transaction, so that a large
   * collection (the bench's million scans) is neither held in memory nor written in one transaction. A build
   * that did not finish last time starts again from an empty table.
   */
  private backfill(table: string, name: string, indexes: IndexRuntime[], entries = true): void {
    const builds = entries ? this.indexBuilds() : null;
    if (entries) for (const index of indexes) this.db.prepare(`DELETE FROM "${index.table}"`).run();
    const read = this.db.prepare(
      `SELECT rowid AS r, data FROM "${table}" WHERE rowid > ? ORDER BY rowid LIMIT ${BACKFILL_BATCH}`,
    );
    let after = Number.MIN_SAFE_INTEGER;
    for (;;) {
      const rows = read.all(after) as Array<{ r: number; data: string }>;
      if (rows.length === 0) break;
      this.db.transaction(() => {
        for (const row of rows) {
          const doc = parseDoc(row.data);
          for (const index of indexes) {
            if (entries) this.addIndexEntries(name, index, doc);
            else this.noteMultikey(index, doc);
          }
        }
      })();
      after = rows[rows.length - 1].r;
    }
    if (builds) this.db.transaction(() => indexes.forEach((index) => builds.done.run(index.table)))();
  }

  private noteMultikey(index: IndexRuntime, doc: Doc): void {
    for (const [path] of index.spec.fields) {
      if (index.multikey.has(path) || indexComponents(doc, path).length < 2) continue;
      index.multikey.add(path);
      this.markMultikey.run(index.table, path);
    }
  }

  private runtime(name: string): CollectionRuntime {
    const found = this.collections.get(name);
    if (!found) {
      throw new StoreError(
        'DATABASE_COLLECTION_NOT_EXIST',
        `[ResourceNotFound] Db or Table not exist: ${name}. Please check your request, but if the problem cannot be solved, contact us.`,
      );
    }
    return found;
  }

  private indexKeys(index: IndexRuntime, doc: Doc): Buffer[] {
    const lists = index.spec.fields.map(([path]) => indexComponents(doc, path));
    const keys = new Map<string, Buffer>();
    for (const combo of cartesian(lists)) {
      if (index.spec.sparse && combo.every((v) => v === null || v === undefined)) continue;
      const key = encodeKey(combo);
      keys.set(key.toString('hex'), key);
    }
    return [...keys.values()];
  }

  private addIndexEntries(
    collection: string,
    index: IndexRuntime,
    doc: Doc,
    keys: Buffer[] = this.indexKeys(index, doc),
  ): void {
    this.noteMultikey(index, doc);
    for (const key of keys) {
      try {
        index.insert.run(key, String(doc._id));
      } catch (err) {
        if ((err as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) {
          throw duplicateKeyError(collection, index.spec.name);
        }
        throw err;
      }
    }
  }

  private nextRevision(): number {
    this.lastRevision = Math.max(this.lastRevision + 1, Date.now() * 1000);
    return this.lastRevision;
  }

  /**
   * Runs fn atomically: what it writes is all kept or all undone. Writes are group-committed: the first one after a
   * commit opens a SQLite transaction (the group) that every write until the next macrotask joins, each in a
   * savepoint of its own, so that a write that fails (a duplicate key, a transaction conflict) undoes only itself;
   * the group commits on setImmediate (or at once at the end of the write that takes it past GROUP_MAX_WRITES),
   * and one fdatasync of the WAL, in the thread pool, makes it durable. What fn wrote is seen at once on this
   * connection but is durable only when durable() resolves: whatever acknowledges a write, or answers with what
   * might be one not yet durable, awaits that first (the engine does, before every reply). Inside a transaction
   * that someone opened on `db` directly, fn runs in a savepoint of it, and that transaction's owner commits.
   *
   * A call nested in another runs in the outermost one's savepoint: SQLite copies each page a savepoint changes
   * to its sub-journal once for every savepoint open, so a savepoint for each nested call (every insert of a
   * batch) copied the same pages again and again. A nested call that fails therefore undoes the outermost call
   * whole, even when its caller catches the error and goes on.
   */
  transaction<T>(fn: () => T): T {
    if (this.depth > 0) return this.nestedTransaction(fn);
    if (!this.group && !this.db.inTransaction) this.openGroup();
    const group = this.group;
    const { savepoint, release, rollbackTo } = this.txStatements;
    savepoint.run();
    this.depth++;
    const mark = this.journal.length;
    this.nestedFailure = null;
    let result: T;
    try {
      result = runSynchronous(fn);
      // a nested call failed and its caller went on: what it wrote in part goes with the whole
      // (fn may have set it: TypeScript holds it to the null assigned before the call)
      const nested = this.nestedFailure as { err: unknown } | null;
      if (nested) throw nested.err;
    } catch (err) {
      this.nestedFailure = null;
      this.depth--;
      if (this.db.inTransaction) {
        rollbackTo.run();
        release.run();
        this.undoPending(mark);
      } else if (group && this.group === group) {
        // SQLite rolled the whole transaction back (disk full, I/O error): every write in the group is gone
        this.group = null;
        this.restoreFullSync();
        this.groupFailed(group, err);
      }
      throw err;
    }
    this.depth--;
    release.run();
    this.journal.length = 0;
    this.groupStats.writes++;
    if (group) {
      group.writes++;
      // a bulk load runs without turning the event loop: it is made durable here, in step with it
      if (group.writes >= GROUP_MAX_WRITES) this.flush();
    }
    return result;
  }

  /** A call inside another transaction() call: no savepoint of its own (see transaction()). */
  private nestedTransaction<T>(fn: () => T): T {
    this.depth++;
    try {
      const result = runSynchronous(fn);
      if (this.group) this.group.writes++;
      return result;
    } catch (err) {
      this.nestedFailure ??= { err };
      throw err;
    } finally {
      this.depth--;
    }
  }

  /**
   * Resolves when everything written so far is durable: committed, and the WAL synced to disk; rejects when the
   * group holding the last write could not be committed (and so was undone) or synced.
   */
  durable(): Promise<void> {
    if (this.group) return this.group.durable;
    const last = this.unsynced[this.unsynced.length - 1] ?? this.syncing[this.syncing.length - 1];
    return last ? last.durable : DURABLE;
  }

  /** True while something written is not durable yet (its group is open, or committed and being synced). */
  get pendingWrites(): boolean {
    return this.group !== null || this.unsynced.length > 0 || this.syncing.length > 0;
  }

  /**
   * Makes everything written durable now: commits the open group and syncs the WAL, synchronously (inside a
   * transaction() it does nothing: the group is committed after it). Throws what the commit or the sync threw;
   * durable() has then rejected for everyone waiting on it.
   */
  flush(): void {
    if (this.depth > 0) return;
    const failure = this.commitGroup();
    if (failure) throw failure;
    if (this.unsynced.length === 0 && this.syncing.length === 0) return;
    const groups = [...this.syncing, ...this.unsynced];
    this.syncing = [];
    this.unsynced = [];
    try {
      fdatasyncSync(this.walDescriptor());
      this.groupStats.syncs++;
    } catch (err) {
      groups.forEach((group) => this.groupFailed(group, err));
      throw err;
    }
    this.settled(groups);
  }

  private openGroup(): void {
    // the group commits without an fsync of its own: syncWal() makes it durable, off the event loop
    if (this.walFile) this.txStatements.normalSync.run();
    try {
      this.txStatements.begin.run();
    } catch (err) {
      this.restoreFullSync();
      throw err;
    }
    let resolve!: () => void;
    let reject!: (err: unknown) => void;
    const durable = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    durable.catch(() => undefined); // a group no one waits for must not end the process when it fails
    const group: WriteGroup = { generation: ++this.generation, durable, resolve, reject, writes: 0 };
    this.group = group;
    setImmediate(() => this.commitOnTurn(group));
  }

  /** The group's commit on the next macrotask (transaction functions are synchronous, so none is running). */
  private commitOnTurn(group: WriteGroup): void {
    if (this.group !== group || !this.db.open) return; // committed already
    if (this.depth > 0) setImmediate(() => this.commitOnTurn(group));
    else if (!this.syncInline()) this.commitGroup();
    else {
      try {
        this.flush();
      } catch {
        // durable() has rejected for those waiting on the group
      }
    }
  }

  /**
   * COMMIT of the open group, whose sync then follows (syncWal): undefined when it committed (or there was
   * none), else why it was undone.
   */
  private commitGroup(): unknown {
    const group = this.group;
    if (!group) return undefined;
    this.group = null;
    try {
      this.txStatements.commit.run();
    } catch (err) {
      try {
        if (this.db.inTransaction) this.txStatements.rollback.run();
      } catch {
        // the rollback failing too leaves SQLite to undo it, as after a crash
      }
      this.restoreFullSync();
      this.groupFailed(group, err);
      return err;
    }
    this.restoreFullSync();
    this.groupStats.groups++;
    if (!this.walFile) {
      this.settled([group]); // committed with synchronous=FULL: synced already
      return undefined;
    }
    this.unsynced.push(group);
    this.syncWal();
    return undefined;
  }

  /** Whatever uses `db` directly between groups finds it as it was opened: synchronous=FULL. */
  private restoreFullSync(): void {
    if (!this.walFile || !this.db.open) return;
    try {
      this.txStatements.fullSync.run();
    } catch {
      // only inside a transaction, which is not the case between groups
    }
  }

  /**
   * fdatasync of the WAL in libuv's thread pool, for the groups committed since the last one began; the event
   * loop meanwhile goes on with the next group. One sync at a time: the groups committed while one runs wait for
   * the next, which covers all of them (an fsync is of the file, whichever descriptor and commit wrote to it).
   */
  private syncWal(): void {
    if (this.syncing.length > 0 || this.unsynced.length === 0) return;
    const groups = this.unsynced;
    this.syncing = groups;
    this.unsynced = [];
    const done = (err: unknown) => {
      if (this.syncing === groups) this.syncing = [];
      if (err) groups.forEach((group) => this.groupFailed(group, err));
      else this.settled(groups);
      this.syncWal();
    };
    let fd: number;
    try {
      fd = this.walDescriptor();
    } catch (err) {
      setImmediate(() => done(err));
      return;
    }
    this.walSyncsRunning++;
    this.groupStats.syncs++;
    fdatasync(fd, (err) => {
      this.walSyncsRunning--;
      if (!this.db.open && this.walSyncsRunning === 0) this.closeWal();
      done(err);
    });
  }

  /**
   * A descriptor of the WAL, opened once: the file stays the same while this connection is open (SQLite removes
   * or replaces it only when the last connection closes or the journal mode changes), and an fsync flushes what
   * any descriptor wrote to it.
   */
  private walDescriptor(): number {
    this.walFd ??= openSync(this.walFile!, 'r');
    return this.walFd;
  }

  /** The groups are durable: what they wrote is no longer pending. */
  private settled(groups: WriteGroup[]): void {
    let last = 0;
    for (const group of groups) last = Math.max(last, group.generation);
    for (const [collection, docs] of this.pending) {
      for (const [key, entry] of docs) {
        if (entry.generation <= last) docs.delete(key);
        // written by a durable group and by a later one: its durable content is now the earlier group's
        else if (entry.created <= last) docs.set(key, { ...entry, before: UNKNOWN });
      }
      if (docs.size === 0) this.pending.delete(collection);
    }
    groups.forEach((group) => group.resolve());
  }

  /** The group was undone (or could not be synced): what it wrote is of unknown content until a later sync. */
  private groupFailed(group: WriteGroup, err: unknown): void {
    for (const docs of this.pending.values()) {
      for (const [key, entry] of docs) {
        if (entry.generation === group.generation) docs.set(key, { ...entry, before: UNKNOWN });
      }
    }
    this.journal.length = 0;
    group.reject(err);
  }

  /** Notes a write of the open group (inside transaction()); `before` gives the content it replaces. */
  private notePending(collection: string, key: string, before: () => Doc | null, after: Doc | null): void {
    const group = this.group;
    if (!group) return; // inside someone else's transaction on `db`: its owner answers for it
    let docs = this.pending.get(collection);
    if (!docs) this.pending.set(collection, (docs = new Map()));
    const prev = docs.get(key);
    this.journal.push({ docs, key, prev });
    docs.set(
      key,
      prev
        ? { ...prev, after, generation: group.generation }
        : { before: before(), after, created: group.generation, generation: group.generation },
    );
  }

  /** Undoes the notes taken since the journal had `mark` entries (their savepoint was rolled back). */
  private undoPending(mark: number): void {
    while (this.journal.length > mark) {
      const { docs, key, prev } = this.journal.pop()!;
      if (prev) docs.set(key, prev);
      else docs.delete(key);
    }
  }

  /**
   * Whether a read of `collection` through `filter` could answer differently once what is written now is durable
   * (that is, could show something not durable yet): some document written and not durable yet matches the
   * filter, as it is now or as it is durably. A filter on _id looks at those documents only. A reply to such a
   * read waits for durable(); any other read answers with durable data only, and need not wait.
   */
  pendingAffects(collection: string, filter: Filter): boolean {
    const docs = this.pending.get(collection);
    if (!docs || docs.size === 0) return false;
    const ids = pinnedIds(filter);
    if (ids) return ids.some((id) => docs.has(String(id)));
    let test: (doc: Doc) => boolean;
    try {
      test = compileFilter(filter).test;
    } catch {
      return true;
    }
    for (const entry of docs.values()) {
      if (entry.before === UNKNOWN) return true;
      if (entry.before && test(entry.before)) return true;
      if (entry.after && test(entry.after)) return true;
    }
    return false;
  }

  get(collection: string, id: DocId): { doc: Doc; rev: number } | undefined {
    const row = this.runtime(collection).get.get(String(id)) as { rev: number; data: string } | undefined;
    return row ? { doc: parseStoredDoc(row.data), rev: row.rev } : undefined;
  }

  revision(collection: string, id: DocId): number | null {
    const row = this.runtime(collection).get.get(String(id)) as { rev: number } | undefined;
    return row ? row.rev : null;
  }

  insert(collection: string, doc: Doc): void {
    const rt = this.runtime(collection);
    this.transaction(() => {
      try {
        rt.insert.run(String(doc._id), this.nextRevision(), serializeDoc(doc));
      } catch (err) {
        if ((err as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT'))
          throw duplicateKeyError(collection, '_id_');
        throw err;
      }
      for (const index of rt.indexes) this.addIndexEntries(collection, index, doc);
      // the _id was free now; if it had no pending write, it was free durably too
      this.notePending(collection, String(doc._id), () => null, doc);
    });
  }

  replace(collection: string, before: Doc, after: Doc): void {
    const rt = this.runtime(collection);
    const id = String(before._id);
    this.transaction(() => {
      rt.update.run(this.nextRevision(), serializeDoc(after), id);
      for (const index of rt.indexes) {
        const oldKeys = new Map(this.indexKeys(index, before).map((k) => [k.toString('hex'), k]));
        const newKeys = new Map(this.indexKeys(index, after).map((k) => [k.toString('hex'), k]));
        for (const [hex, key] of oldKeys) if (!newKeys.has(hex)) index.deleteEntry.run(key, id);
        const added = [...newKeys].filter(([hex]) => !oldKeys.has(hex)).map(([, key]) => key);
        if (added.length > 0) this.addIndexEntries(collection, index, after, added);
      }
      this.notePending(collection, id, () => before, after);
    });
  }

  remove(collection: string, id: DocId): boolean {
    const rt = this.runtime(collection);
    const key = String(id);
    return this.transaction(() => {
      // its entries are found from its content
      const stored = rt.get.get(key) as { data: string } | undefined;
      if (!stored) return false;
      const doc = parseDoc(stored.data);
      rt.remove.run(key);
      for (const index of rt.indexes)
        for (const k of this.indexKeys(index, doc)) index.deleteEntry.run(k, key);
      // the content it had, when that is the durable one (nothing pending on it)
      const durable = this.group && !this.pending.get(collection)?.has(key) ? doc : null;
      this.notePending(collection, key, () => durable, null);
      return true;
    });
  }

  count(collection: string): number {
    return (this.runtime(collection).count.get() as { n: number }).n;
  }

  /** Documents matching a filter, in order, with skip/limit/projection applied. */
  find(collection: string, filter: Filter, options: FindOptions = {}): { docs: Doc[]; plan: QueryPlan } {
    const rt = this.runtime(collection);
    const { rest, geo, test } = compileFilter(filter);
    const order: Order = options.order ?? [];
    const skip = options.skip ?? 0;
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    const plan: QueryPlan = {
      collection,
      index: null,
      sortedByIndex: false,
      keysExamined: 0,
      docsExamined: 0,
    };

    let docs: Doc[];
    const idLookup = pinnedIds(rest);
    if (idLookup) {
      plan.index = '_id_';
      docs = [];
      // each document once, however often its _id is listed (ids are stored as text)
      const unique = new Map(idLookup.map((id) => [String(id), id]));
      for (const id of unique.values()) {
        plan.keysExamined++;
        const hit = this.get(collection, id as DocId);
        if (hit) {
          plan.docsExamined++;
          if (test(hit.doc)) docs.push(hit.doc);
        }
      }
      docs = this.sortSkipLimit(docs, order, geo, skip, limit);
    } else {
      const best = this.choosePlan(rt, rest, order);
      if (best && best.direction && !geo) {
        plan.index = best.index.spec.name;
        plan.sortedByIndex = true;
        docs = this.scanInOrder(rt, best, test, skip, limit, plan);
      } else if (best) {
        plan.index = best.index.spec.name;
        const ids = new Set<string>();
        for (const [lo, hi] of best.ranges) {
          const rows = this.statement(`SELECT id FROM "${best.index.table}" WHERE k >= ? AND k < ?`)
            .raw()
            .all(lo, hi) as string[][];
          plan.keysExamined += rows.length;
          for (const [id] of rows) ids.add(id);
        }
        docs = [];
        for (const id of ids) {
          const row = rt.get.get(id) as { data: string } | undefined;
          if (!row) continue;
          plan.docsExamined++;
          const doc = parseStoredDoc(row.data);
          if (test(doc)) docs.push(doc);
        }
        docs = this.sortSkipLimit(docs, order, geo, skip, limit);
      } else {
        this.collectionScans.set(collection, (this.collectionScans.get(collection) ?? 0) + 1);
        docs = [];
        for (const row of rt.scan.iterate() as Iterable<{ data: string }>) {
          plan.docsExamined++;
          const doc = parseStoredDoc(row.data);
          if (test(doc)) docs.push(doc);
        }
        docs = this.sortSkipLimit(docs, order, geo, skip, limit);
      }
    }
    this.lastPlan.set(collection, plan);
    return { docs: Store.project(docs, options.projection), plan };
  }

  /** The plan find() would use, without reading documents. */
  explain(
    collection: string,
    filter: Filter,
    order: Order = [],
  ): { index: string | null; sortedByIndex: boolean } {
    const rt = this.runtime(collection);
    const { rest, geo } = extractGeo(filter);
    if (pinnedIds(rest)) return { index: '_id_', sortedByIndex: false };
    const best = this.choosePlan(rt, rest, order);
    return { index: best ? best.index.spec.name : null, sortedByIndex: Boolean(best?.direction && !geo) };
  }

  private choosePlan(rt: CollectionRuntime, filter: Filter, order: Order): Plan | null {
    const bounds = analyseFilter(filter);
    let best: Plan | null = null;
    for (const index of rt.indexes) {
      const plan = planIndex(index, bounds, order);
      if (plan && (!best || plan.score > best.score)) best = plan;
    }
    return best;
  }

  private scanInOrder(
    rt: CollectionRuntime,
    plan: Plan,
    test: (doc: Doc) => boolean,
    skip: number,
    limit: number,
    stats: QueryPlan,
  ): Doc[] {
    const [lo, hi] = plan.ranges[0];
    const out: Doc[] = [];
    if (limit <= 0) return out;
    const rows = this.statement(
      `SELECT id FROM "${plan.index.table}" WHERE k >= ? AND k < ? ORDER BY k ${plan.direction}`,
    )
      .raw()
      .iterate(lo, hi) as Iterable<string[]>;
    const seen = new Set<string>();
    let skipped = 0;
    for (const [id] of rows) {
      stats.keysExamined++;
      if (seen.has(id)) continue;
      seen.add(id);
      const row = rt.get.get(id) as { data: string } | undefined;
      if (!row) continue;
      stats.docsExamined++;
      const doc = parseStoredDoc(row.data);
      if (!test(doc)) continue;
      if (skipped < skip) {
        skipped++;
        continue;
      }
      out.push(doc);
      // the page is full: no further key is read
      if (out.length >= limit) break;
    }
    return out;
  }

  /** A prepared statement of the planner's, prepared once per text. */
  private statement(sql: string): Database.Statement {
    let prepared = this.statements.get(sql);
    if (!prepared) {
      prepared = this.db.prepare(sql);
      this.statements.set(sql, prepared);
    }
    return prepared;
  }

  private sortSkipLimit(
    docs: Doc[],
    order: Order,
    geo: GeoClause | null,
    skip: number,
    limit: number,
  ): Doc[] {
    let sorted = docs;
    // as in MongoDB, $nearSphere orders by distance unless the query asks for an order of its own
    if (order.length > 0) sorted = mingoFind(docs, {}).sort(Object.fromEntries(order)).all() as Doc[];
    else if (geo?.sortByDistance) sorted = geo.sortByDistance(docs);
    const end = Number.isFinite(limit) ? skip + limit : undefined;
    return sorted.slice(skip, end);
  }

  /** The documents with a find() projection applied (none: as they are). */
  static project(docs: Doc[], projection: Record<string, unknown> | undefined): Doc[] {
    if (!projection || Object.keys(projection).length === 0) return docs;
    return mingoFind(docs, {}, projection).all() as Doc[];
  }

  /** Applies a MongoDB update document to a copy of doc; returns the copy and whether anything changed. */
  static applyUpdate(doc: Doc, update: Record<string, unknown>): { doc: Doc; changed: boolean } {
    checkUpdateTargets(doc, update);
    const copy = parseDoc(serializeDoc(doc));
    let changedPaths: string[];
    try {
      changedPaths = mingoUpdate(copy, update as never, undefined, undefined, { cloneMode: 'deep' });
    } catch (err) {
      // what mingo refuses as MongoDB does (any update of _id, an unknown operator) is the cloud's failed
      // operation, as checkUpdateTargets' refusals are; its messages name paths and operators, never values
      if (err instanceof MingoError) {
        throw new StoreError('DATABASE_REQUEST_FAILED', `[FailedOperation] ${err.message}`);
      }
      throw err;
    }
    return { doc: copy, changed: changedPaths.length > 0 };
  }

  aggregate(collection: string, pipeline: Array<Record<string, unknown>>): Doc[] {
    this.runtime(collection);
    const [first, ...restStages] = pipeline;
    // A leading $match goes through the planner, so that aggregations over a declared index stay indexed.
    let source: Doc[];
    let stages = pipeline;
    if (first && '$match' in first) {
      source = this.find(collection, first.$match as Filter).docs;
      stages = restStages;
    } else {
      source = this.find(collection, {}).docs;
    }
    const aggregator = new Aggregator(stages, {
      collectionResolver: (name: string) => (this.hasCollection(name) ? this.find(name, {}).docs : []),
    });
    return aggregator.run(source) as Doc[];
  }

  /** SQLite's own integrity check: "ok" when the file is sound. */
  integrityCheck(): string {
    return (this.db.pragma('integrity_check', { simple: true }) as string) ?? 'unknown';
  }
}
