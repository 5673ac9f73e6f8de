/**
 * The embedded document store behind the local cloud: one SQLite table per collection (better-sqlite3, WAL,
 * synchronous=FULL), documents kept as relaxed EJSON, and one side table per declared index holding
 * order-preserving keys (see key-codec.ts). Filters, updates and aggregation follow MongoDB through mingo; the
 * planner here decides which rows mingo gets to look at, and records what it did so that tests can check that
 * a query on a declared index never scans its collection.
 */
import Database from 'better-sqlite3';
import { Aggregator, Query, find as mingoFind, update as mingoUpdate } from 'mingo';
import type { CollectionSpec, IndexSpec } from '../../../cloudfunctions/_server/db/collections';
import { AFTER, encodeComponent, encodeKey, isIndexableScalar, tagOf } from './key-codec';
import { extractGeo, type GeoClause } from './geo';
import {
  StoreError,
  duplicateKeyError,
  parseDoc,
  serializeDoc,
  valuesAtPath,
  type Doc,
  type DocId,
  type Filter,
  type Order,
} from './documents';

export { StoreError, parseDoc, serializeDoc, type Doc, type DocId, type Filter, type Order };

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
  deleteById: Database.Statement;
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

interface FieldBounds {
  eq?: unknown[];
  lower?: { value: unknown; inclusive: boolean };
  upper?: { value: unknown; inclusive: boolean };
}

const RANGE_OPS = new Set(['$gt', '$gte', '$lt', '$lte']);

/** Top-level conjuncts of a filter: field → the simple conditions an index can use. */
function analyseFilter(filter: Filter): Map<string, FieldBounds> {
  const bounds = new Map<string, FieldBounds>();
  const visit = (clause: Filter) => {
    for (const [field, cond] of Object.entries(clause)) {
      if (field === '$and' && Array.isArray(cond)) {
        cond.forEach((item) => item && typeof item === 'object' && visit(item as Filter));
        continue;
      }
      if (field.startsWith('$')) continue;
      const b = bounds.get(field) ?? {};
      if (isIndexableScalar(cond)) {
        b.eq ??= [cond];
      } else if (cond && typeof cond === 'object' && !Array.isArray(cond) && !(cond instanceof RegExp)) {
        for (const [op, value] of Object.entries(cond as Record<string, unknown>)) {
          if (op === '$eq' && isIndexableScalar(value)) b.eq ??= [value];
          else if (
            op === '$in' &&
            Array.isArray(value) &&
            value.length > 0 &&
            value.every(isIndexableScalar)
          ) {
            b.eq ??= [...value];
          } else if (RANGE_OPS.has(op) && isIndexableScalar(value)) {
            if (op === '$gt' || op === '$gte') b.lower ??= { value, inclusive: op === '$gte' };
            else b.upper ??= { value, inclusive: op === '$lte' };
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

export class Store {
  readonly db: Database.Database;
  private readonly collections = new Map<string, CollectionRuntime>();
  private readonly specs: Record<string, CollectionSpec>;
  /** The last plan per collection, for tests and `explain`. */
  readonly lastPlan = new Map<string, QueryPlan>();
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

  constructor(file: string, specs: Record<string, CollectionSpec>) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.specs = specs;
    this.db.exec('CREATE TABLE IF NOT EXISTS _collections (name TEXT PRIMARY KEY, created_at TEXT NOT NULL)');
    // files from before multikey fields were recorded have their documents read once to find them
    this.rescanMultikey = !this.db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_multikey'")
      .get();
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS _multikey (index_table TEXT NOT NULL, field TEXT NOT NULL, PRIMARY KEY (index_table, field)) WITHOUT ROWID',
    );
    this.markMultikey = this.db.prepare('INSERT OR IGNORE INTO _multikey (index_table, field) VALUES (?, ?)');
    const existing = this.db.prepare('SELECT name FROM _collections').all() as Array<{ name: string }>;
    for (const { name } of existing) this.openCollection(name);
  }

  close(): void {
    this.db.close();
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
    for (const spec of this.specs[name]?.indexes ?? []) {
      const indexTable = `x_${name}__${spec.name}`;
      const fresh = !this.db
        .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")
        .get(indexTable);
      this.db.exec(
        `CREATE TABLE IF NOT EXISTS "${indexTable}" (k BLOB NOT NULL, id TEXT NOT NULL, PRIMARY KEY (k, id)) WITHOUT ROWID;
         CREATE INDEX IF NOT EXISTS "${indexTable}__id" ON "${indexTable}" (id);` +
          (spec.unique
            ? `CREATE UNIQUE INDEX IF NOT EXISTS "${indexTable}__unique" ON "${indexTable}" (k);`
            : ''),
      );
      const runtime: IndexRuntime = {
        spec,
        table: indexTable,
        insert: this.db.prepare(`INSERT INTO "${indexTable}" (k, id) VALUES (?, ?)`),
        deleteById: this.db.prepare(`DELETE FROM "${indexTable}" WHERE id = ?`),
        multikey: new Set(
          (
            this.db.prepare('SELECT field FROM _multikey WHERE index_table = ?').all(indexTable) as Array<{
              field: string;
            }>
          ).map((row) => row.field),
        ),
      };
      indexes.push(runtime);
      if (fresh) this.backfill(table, name, runtime);
      else if (this.rescanMultikey) this.backfill(table, name, runtime, false);
    }
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

  /** Indexes the documents already there (or, with entries false, only finds the multikey fields). */
  private backfill(table: string, name: string, index: IndexRuntime, entries = true): void {
    const rows = this.db.prepare(`SELECT data FROM "${table}"`).all() as Array<{ data: string }>;
    for (const row of rows) {
      const doc = parseDoc(row.data);
      if (entries) this.addIndexEntries(name, index, doc);
      else this.noteMultikey(index, doc);
    }
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

  private addIndexEntries(collection: string, index: IndexRuntime, doc: Doc): void {
    this.noteMultikey(index, doc);
    for (const key of this.indexKeys(index, doc)) {
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

  /** Runs fn in one SQLite transaction: everything or nothing. Nested calls become savepoints. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  get(collection: string, id: DocId): { doc: Doc; rev: number } | undefined {
    const row = this.runtime(collection).get.get(String(id)) as { rev: number; data: string } | undefined;
    return row ? { doc: parseDoc(row.data), rev: row.rev } : undefined;
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
    });
  }

  replace(collection: string, before: Doc, after: Doc): void {
    const rt = this.runtime(collection);
    this.transaction(() => {
      rt.update.run(this.nextRevision(), serializeDoc(after), String(before._id));
      for (const index of rt.indexes) {
        const oldKeys = this.indexKeys(index, before).map((k) => k.toString('hex'));
        const newKeys = this.indexKeys(index, after).map((k) => k.toString('hex'));
        if (oldKeys.length === newKeys.length && oldKeys.every((k, i) => k === newKeys[i])) continue;
        index.deleteById.run(String(before._id));
        this.addIndexEntries(collection, index, after);
      }
    });
  }

  remove(collection: string, id: DocId): boolean {
    const rt = this.runtime(collection);
    return this.transaction(() => {
      const removed = rt.remove.run(String(id)).changes > 0;
      if (removed) for (const index of rt.indexes) index.deleteById.run(String(id));
      return removed;
    });
  }

  count(collection: string): number {
    return (this.runtime(collection).count.get() as { n: number }).n;
  }

  /** Documents matching a filter, in order, with skip/limit/projection applied. */
  find(collection: string, filter: Filter, options: FindOptions = {}): { docs: Doc[]; plan: QueryPlan } {
    const rt = this.runtime(collection);
    const { rest, geo } = extractGeo(filter);
    const matcher = new Query(rest);
    const test = (doc: Doc) => matcher.test(doc) && (!geo || geo.test(doc));
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
    const idLookup = this.idCandidates(rest);
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
          const rows = this.db
            .prepare(`SELECT id FROM "${best.index.table}" WHERE k >= ? AND k < ?`)
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
          const doc = parseDoc(row.data);
          if (test(doc)) docs.push(doc);
        }
        docs = this.sortSkipLimit(docs, order, geo, skip, limit);
      } else {
        this.collectionScans.set(collection, (this.collectionScans.get(collection) ?? 0) + 1);
        docs = [];
        for (const row of rt.scan.iterate() as Iterable<{ data: string }>) {
          plan.docsExamined++;
          const doc = parseDoc(row.data);
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
    if (this.idCandidates(rest)) return { index: '_id_', sortedByIndex: false };
    const best = this.choosePlan(rt, rest, order);
    return { index: best ? best.index.spec.name : null, sortedByIndex: Boolean(best?.direction && !geo) };
  }

  private idCandidates(filter: Filter): unknown[] | null {
    const cond = filter._id;
    if (isIndexableScalar(cond)) return [cond];
    if (cond && typeof cond === 'object' && !Array.isArray(cond)) {
      const c = cond as Record<string, unknown>;
      if (isIndexableScalar(c.$eq)) return [c.$eq];
      if (Array.isArray(c.$in) && c.$in.every(isIndexableScalar)) return c.$in;
    }
    return null;
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
    const rows = this.db
      .prepare(`SELECT id FROM "${plan.index.table}" WHERE k >= ? AND k < ? ORDER BY k ${plan.direction}`)
      .raw()
      .iterate(lo, hi) as Iterable<string[]>;
    const out: Doc[] = [];
    const seen = new Set<string>();
    let skipped = 0;
    for (const [id] of rows) {
      stats.keysExamined++;
      if (out.length >= limit) break;
      if (seen.has(id)) continue;
      seen.add(id);
      const row = rt.get.get(id) as { data: string } | undefined;
      if (!row) continue;
      stats.docsExamined++;
      const doc = parseDoc(row.data);
      if (!test(doc)) continue;
      if (skipped < skip) {
        skipped++;
        continue;
      }
      out.push(doc);
    }
    return out;
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
    const changedPaths = mingoUpdate(copy, update as never, undefined, undefined, { cloneMode: 'deep' });
    if (copy._id !== doc._id) {
      throw new StoreError(
        'DATABASE_REQUEST_FAILED',
        '[FailedOperation] Performing an update on the path _id would modify the immutable field _id',
      );
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
