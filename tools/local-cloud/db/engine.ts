/**
 * The cloud database's wire protocol, served from the embedded store.
 *
 * wx-server-sdk (through @cloudbase/database) sends `send(action, params)` with EJSON strings in MongoDB syntax;
 * this class answers every action it sends, in the shapes the SDK reads back, with the cloud's own quirks:
 * the server SDK's limit (default 100, at most 1000), `serverDate` ($tcb_server_date), `set` as replace-upsert,
 * duplicate-key errors on unique indexes, and document-level transactions that see their own writes and commit
 * atomically (optimistic: a document changed by someone else since the transaction read it is a conflict, which
 * the SDK's runTransaction retries).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { BSONRegExp } from 'bson';
import { parseRelaxed, type ParseHooks } from './ejson';
import {
  StoreError,
  Store,
  serializeDoc,
  textOf,
  type Doc,
  type DocId,
  type Filter,
  type Order,
} from './store';

export type WireParams = Record<string, unknown>;
export type WireReply = Record<string, unknown>;

const SERVER_SDK_DEFAULT_LIMIT = 100;
const AGGREGATE_DEFAULT_LIMIT = 20;
const SERVER_SDK_MAX_LIMIT = 1000;
const TRANSACTION_TTL_MS = 30_000;

interface Transaction {
  id: string;
  startedAt: number;
  /** revision of every document the transaction has looked at, when it first did (null: absent). */
  reads: Map<string, number | null>;
  /** staged writes: the document's new content, or null for a removal. */
  writes: Map<string, { collection: string; id: DocId; doc: Doc | null }>;
}

const txKey = (collection: string, id: DocId) => `${collection}\u0000${String(id)}`;

function conflict(): StoreError {
  return new StoreError(
    'DATABASE_TRANSACTION_CONFLICT',
    '[ResourceUnavailable.TransactionConflict] Transaction is conflict, maybe resource operated by others.',
  );
}

/**
 * A document as a reply carries it: relaxed EJSON, as the store keeps it (a document read from storage goes out as
 * the text it was stored as, without being serialized again). The SDK reads every reply with `EJSON.parse` in
 * relaxed mode, which gives the same values from relaxed and canonical text (numbers become JS numbers either way;
 * dates are dates), and reads the relaxed text about a third faster (fewer `$number…` wrappers to revive).
 */
function replyDoc(doc: Doc | null): string {
  return doc === null ? 'null' : textOf(doc);
}

export function newDocId(): string {
  return randomBytes(16).toString('hex');
}

export class DatabaseEngine {
  private readonly transactions = new Map<string, Transaction>();
  /**
   * Set while a read action runs (dispatch is synchronous): whether its reply could show something not durable
   * yet (Store.pendingAffects). null: not a read, or not known; the reply waits.
   */
  private readWaits: boolean | null = null;
  /** send() calls that have not answered yet. */
  private inFlight = 0;

  constructor(
    readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {
    store.syncInline = () => this.inFlight <= 1;
  }

  /** Answers one wire action. Never throws: failures come back as `{ code, message }` like the cloud's. */
  async send(action: string, params: WireParams = {}): Promise<WireReply> {
    this.inFlight++;
    try {
      return await this.answer(action, params);
    } finally {
      this.inFlight--;
    }
  }

  private async answer(action: string, params: WireParams): Promise<WireReply> {
    const requestId = randomUUID();
    let reply: WireReply;
    this.readWaits = null;
    try {
      reply = { requestId, ...this.dispatch(action, params ?? {}) };
    } catch (err) {
      if (err instanceof StoreError) reply = { requestId, code: err.code, message: err.message };
      else {
        const message = err instanceof Error ? err.message : String(err);
        reply = { requestId, code: 'DATABASE_REQUEST_FAILED', message: `[InvalidParameter] ${message}` };
      }
    }
    // Group commit (Store.transaction): no reply leaves before the writes it made, or might show, are durable.
    const wait = this.readWaits ?? true;
    this.readWaits = null;
    if (wait && this.store.pendingWrites) {
      try {
        await this.store.durable();
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        return {
          requestId,
          code: 'DATABASE_REQUEST_FAILED',
          message: `[InternalError] the write could not be committed: ${message}`,
        };
      }
    }
    return reply;
  }

  private dispatch(action: string, p: WireParams): WireReply {
    const tx = this.transactionOf(p.transactionId);
    switch (action) {
      case 'database.addCollection':
        if (!this.store.createCollection(String(p.collectionName))) {
          throw new StoreError('DATABASE_REQUEST_FAILED', '[ResourceInUse] Table exist.');
        }
        return {};
      case 'database.getDocument':
        return {
          data: { list: this.getDocuments(p, tx).map(replyDoc) },
        };
      case 'database.calculateDocument':
        return { data: { total: this.count(p) } };
      case 'database.insertDocument':
        return { data: { insertedIds: this.insert(p, tx) } };
      case 'database.modifyDocument':
        return { data: this.modify(p, tx) };
      case 'database.modifyAndReturnDoc':
        return { data: this.modifyAndReturn(p, tx) };
      case 'database.removeDocument':
        return { data: { deleted: this.remove(p, tx) } };
      case 'database.aggregateDocuments':
        // serialized afresh: a stage may hand on a document it has changed
        return { data: { list: this.aggregate(p).map((doc) => serializeDoc(doc)) } };
      case 'database.startTransaction':
        this.readWaits = false;
        return { transactionId: this.startTransaction() };
      case 'database.commitTransaction':
        this.commit(this.requireTransaction(tx));
        return {};
      case 'database.abortTransaction':
        this.transactions.delete(this.requireTransaction(tx).id);
        this.readWaits = false;
        return {};
      case 'database.getInTransaction': {
        const doc = this.txRead(this.requireTransaction(tx), String(p.collectionName), p._id as DocId);
        return { data: replyDoc(doc ?? null) };
      }
      case 'database.updateDocInTransaction': {
        const t = this.requireTransaction(tx);
        const collection = String(p.collectionName);
        const id = p._id as DocId;
        const data = this.parse(p.data) as Record<string, unknown>;
        const before = this.txRead(t, collection, id);
        if (!before && !p.upsert) return { updated: '0' };
        const after = p.upsert ? { ...this.withoutId(data), _id: id } : Store.applyUpdate(before!, data).doc;
        this.txWrite(t, collection, id, after);
        return { updated: before ? '1' : '0', upserted: before ? null : JSON.stringify([{ _id: id }]) };
      }
      case 'database.deleteDocInTransaction': {
        const t = this.requireTransaction(tx);
        const collection = String(p.collectionName);
        const before = this.txRead(t, collection, p._id as DocId);
        if (before) this.txWrite(t, collection, p._id as DocId, null);
        return { deleted: before ? '1' : '0' };
      }
      default:
        throw new StoreError('INVALID_PARAM', `unknown database action: ${action}`);
    }
  }

  // ---- parsing ---------------------------------------------------------------------------------------------

  /** serverDate ($tcb_server_date) as the engine's clock has it now, plus the offset the SDK asked for. */
  private readonly wireHooks: ParseHooks = {
    serverDate: (spec) =>
      new Date(this.now() + Number((spec.$tcb_server_date as { offset?: number } | null)?.offset ?? 0)),
  };

  private readonly reviveFromBson = (value: unknown) => this.revive(value);

  /**
   * EJSON from the wire into values mingo understands: RegExp for BSONRegExp, Date for serverDate. Each parameter
   * is parsed once per call, and in one pass (parseRelaxed; bson and revive() for what it hands over).
   */
  private parse(raw: unknown): unknown {
    if (raw === undefined || raw === null || raw === '') return undefined;
    if (typeof raw !== 'string') return this.revive(raw);
    return parseRelaxed(raw, this.wireHooks, this.reviveFromBson);
  }

  private revive(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.revive(v));
    if (value instanceof BSONRegExp)
      return new RegExp(value.pattern, value.options.replace(/[^gimsuy]/g, ''));
    if (value && typeof value === 'object' && !(value instanceof Date) && !(value instanceof RegExp)) {
      const obj = value as Record<string, unknown>;
      if ('$tcb_server_date' in obj) {
        const offset = Number((obj.$tcb_server_date as { offset?: number })?.offset ?? 0);
        return new Date(this.now() + offset);
      }
      if (
        (obj as { _bsontype?: string })._bsontype === 'ObjectID' ||
        (obj as { _bsontype?: string })._bsontype === 'ObjectId'
      ) {
        return String(obj);
      }
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(obj)) out[k] = this.revive(v);
      return out;
    }
    return value;
  }

  private filterOf(p: WireParams): Filter {
    const filter = this.parse(p.query);
    if (filter === undefined) return {};
    if (!filter || typeof filter !== 'object' || Array.isArray(filter)) {
      throw new StoreError('INVALID_PARAM', 'query must be an object');
    }
    return filter as Filter;
  }

  private orderOf(p: WireParams): Order {
    const order = this.parse(p.order);
    if (!order) return [];
    if (Array.isArray(order)) {
      // the older wire form: [{ field, direction }]
      return order.map((o: { field: string; direction: string }) => [
        o.field,
        o.direction === 'desc' ? -1 : 1,
      ]);
    }
    return Object.entries(order as Record<string, number>).map(([f, d]) => [f, d < 0 ? -1 : 1]);
  }

  private limitOf(p: WireParams): number {
    const requested = typeof p.limit === 'number' && p.limit > 0 ? p.limit : SERVER_SDK_DEFAULT_LIMIT;
    return Math.min(requested, SERVER_SDK_MAX_LIMIT);
  }

  private withoutId(doc: Record<string, unknown>): Record<string, unknown> {
    const { _id: _ignored, ...rest } = doc;
    return rest;
  }

  /** Same fields, values and field order, wherever _id sits. */
  private sameContent(a: Doc, b: Doc): boolean {
    return serializeDoc(this.withoutId(a) as Doc) === serializeDoc(this.withoutId(b) as Doc);
  }

  private docIdOf(p: WireParams): DocId {
    const filter = this.filterOf(p);
    const id = filter._id;
    if (typeof id !== 'string' && typeof id !== 'number')
      throw new StoreError('INVALID_PARAM', 'docId不能为空');
    return id;
  }

  private requireDocOperation(p: WireParams): void {
    if (p.queryType !== 'DOC') {
      throw new StoreError(
        'DATABASE_REQUEST_FAILED',
        '[FailedOperation] a transaction supports single-document operations only (doc().get/set/update/remove, add)',
      );
    }
  }

  // ---- plain operations --------------------------------------------------------------------------------------

  private getDocuments(p: WireParams, tx: Transaction | undefined): Doc[] {
    const collection = String(p.collectionName);
    const projection = this.parse(p.projection) as Record<string, unknown> | undefined;
    if (tx) {
      this.requireDocOperation(p);
      const id = this.docIdOf(p);
      const doc = this.txRead(tx, collection, id);
      return doc ? Store.project([doc], projection) : [];
    }
    const limit = p.queryType === 'DOC' ? 1 : this.limitOf(p);
    const skip = typeof p.offset === 'number' && p.offset > 0 ? p.offset : 0;
    const filter = this.filterOf(p);
    const { docs } = this.store.find(collection, filter, { order: this.orderOf(p), skip, limit, projection });
    this.noteRead(collection, filter);
    return docs;
  }

  private count(p: WireParams): number {
    const collection = String(p.collectionName);
    const filter = this.filterOf(p);
    const total =
      Object.keys(filter).length === 0
        ? this.store.count(collection)
        : this.store.find(collection, filter).docs.length;
    this.noteRead(collection, filter);
    return total;
  }

  /** A read of the action: its reply waits for durable() if what it read has writes not durable yet. */
  private noteRead(collection: string, filter: Filter): void {
    this.readWaits = (this.readWaits ?? false) || this.store.pendingAffects(collection, filter);
  }

  private insert(p: WireParams, tx: Transaction | undefined): DocId[] {
    const collection = String(p.collectionName);
    const items = Array.isArray(p.data) ? p.data : [p.data];
    const docs = items.map((item) => {
      const doc = this.parse(item);
      if (!doc || typeof doc !== 'object' || Array.isArray(doc))
        throw new StoreError('INVALID_PARAM', '参数必需是非空对象');
      const d = doc as Doc;
      if (d._id === undefined || d._id === null || d._id === '') d._id = newDocId();
      return d;
    });
    if (tx) {
      for (const doc of docs) {
        if (this.txRead(tx, collection, doc._id)) throw this.duplicateId(collection);
        this.txWrite(tx, collection, doc._id, doc);
      }
    } else {
      this.store.transaction(() => docs.forEach((doc) => this.store.insert(collection, doc)));
    }
    return docs.map((d) => d._id);
  }

  private duplicateId(collection: string): StoreError {
    return new StoreError(
      'DATABASE_REQUEST_FAILED',
      `[FailedOperation] E11000 duplicate key error collection: ${collection} index: _id_`,
    );
  }

  private modify(p: WireParams, tx: Transaction | undefined): { updated: number; upsert_id?: DocId } {
    const collection = String(p.collectionName);
    const data = this.parse(p.data) as Record<string, unknown> | undefined;
    if (!data || typeof data !== 'object') throw new StoreError('INVALID_PARAM', '参数必需是非空对象');
    const replace = p.merge === false;

    if (tx) {
      this.requireDocOperation(p);
      const id = this.docIdOf(p);
      const before = this.txRead(tx, collection, id);
      if (!before && !p.upsert) return { updated: 0 };
      if (replace) {
        const after = { ...this.withoutId(data), _id: id };
        this.txWrite(tx, collection, id, after);
        return before ? { updated: this.sameContent(before, after) ? 0 : 1 } : { updated: 0, upsert_id: id };
      }
      const { doc, changed } = Store.applyUpdate(before ?? { _id: id }, data);
      this.txWrite(tx, collection, id, doc);
      return before ? { updated: changed ? 1 : 0 } : { updated: 0, upsert_id: id };
    }

    return this.store.transaction(() => {
      const filter = this.filterOf(p);
      const multi = p.queryType !== 'DOC' && p.multi !== false;
      const matches = this.store.find(collection, filter, multi ? {} : { limit: 1 }).docs;
      if (matches.length === 0) {
        if (!p.upsert) return { updated: 0 };
        const seed: Doc = { _id: (filter._id as DocId) ?? newDocId() };
        const doc = replace ? { ...this.withoutId(data), _id: seed._id } : Store.applyUpdate(seed, data).doc;
        this.store.insert(collection, doc as Doc);
        return { updated: 0, upsert_id: seed._id };
      }
      let updated = 0;
      for (const before of matches) {
        if (replace) {
          // like MongoDB's nModified, replacing a document with the same content changes nothing
          const after = { ...this.withoutId(data), _id: before._id } as Doc;
          if (this.sameContent(before, after)) continue;
          this.store.replace(collection, before, after);
        } else {
          const { doc, changed } = Store.applyUpdate(before, data);
          if (!changed) continue;
          this.store.replace(collection, before, doc);
        }
        updated++;
      }
      return { updated };
    });
  }

  private modifyAndReturn(p: WireParams, tx: Transaction | undefined): { updated: number; doc?: string } {
    const collection = String(p.collectionName);
    const data = this.parse(p.data) as Record<string, unknown>;
    if (tx) {
      this.requireDocOperation(p);
      const id = this.docIdOf(p);
      const before = this.txRead(tx, collection, id);
      if (!before) return { updated: 0 };
      const { doc } = Store.applyUpdate(before, data);
      this.txWrite(tx, collection, id, doc);
      return { updated: 1, doc: replyDoc(doc) };
    }
    return this.store.transaction(() => {
      const [before] = this.store.find(collection, this.filterOf(p), {
        order: this.orderOf(p),
        limit: 1,
      }).docs;
      if (!before) return { updated: 0 };
      const { doc, changed } = Store.applyUpdate(before, data);
      if (changed) this.store.replace(collection, before, doc);
      return { updated: changed ? 1 : 0, doc: replyDoc(doc) };
    });
  }

  private remove(p: WireParams, tx: Transaction | undefined): number {
    const collection = String(p.collectionName);
    if (tx) {
      this.requireDocOperation(p);
      const id = this.docIdOf(p);
      if (!this.txRead(tx, collection, id)) return 0;
      this.txWrite(tx, collection, id, null);
      return 1;
    }
    return this.store.transaction(() => {
      const multi = p.queryType !== 'DOC' && p.multi !== false;
      const matches = this.store.find(collection, this.filterOf(p), multi ? {} : { limit: 1 }).docs;
      let deleted = 0;
      for (const doc of matches) if (this.store.remove(collection, doc._id)) deleted++;
      return deleted;
    });
  }

  private aggregate(p: WireParams): Doc[] {
    const stages = (Array.isArray(p.stages) ? p.stages : []) as Array<{
      stageKey: string;
      stageValue: string;
    }>;
    const pipeline = stages.map(({ stageKey, stageValue }) => ({
      [stageKey]: parseRelaxed(stageValue, this.wireHooks, this.reviveFromBson),
    }));
    // WeChat Cloud answers an aggregation without $limit with its first 20 results
    if (!pipeline.some((stage) => '$limit' in stage)) pipeline.push({ $limit: AGGREGATE_DEFAULT_LIMIT });
    return this.store.aggregate(String(p.collectionName), pipeline);
  }

  // ---- transactions -----------------------------------------------------------------------------------------

  private startTransaction(): string {
    this.expireTransactions();
    const id = randomUUID();
    this.transactions.set(id, { id, startedAt: this.now(), reads: new Map(), writes: new Map() });
    return id;
  }

  private expireTransactions(): void {
    const now = this.now();
    for (const [id, tx] of this.transactions)
      if (now - tx.startedAt > TRANSACTION_TTL_MS) this.transactions.delete(id);
  }

  private transactionOf(id: unknown): Transaction | undefined {
    if (id === undefined || id === null || id === '') return undefined;
    let tx = this.transactions.get(String(id));
    if (tx && this.now() - tx.startedAt > TRANSACTION_TTL_MS) {
      this.transactions.delete(tx.id); // expired, whether or not another transaction has started since
      tx = undefined;
    }
    if (!tx) {
      throw new StoreError(
        'DATABASE_REQUEST_FAILED',
        '[FailedOperation] transaction not found: it ended or expired',
      );
    }
    return tx;
  }

  private requireTransaction(tx: Transaction | undefined): Transaction {
    if (!tx) throw new StoreError('INVALID_PARAM', 'transactionId is required');
    return tx;
  }

  /**
   * What the transaction sees of a document: its own staged write, else the store's. Writes inside a transaction
   * are staged until commitTransaction, so an action inside one reveals only what it read this way: its reply waits
   * for durable() only if one of those documents has a write not durable yet.
   */
  private txRead(tx: Transaction, collection: string, id: DocId): Doc | null {
    const key = txKey(collection, id);
    this.noteRead(collection, { _id: id });
    const staged = tx.writes.get(key);
    if (staged) return staged.doc;
    const found = this.store.get(collection, id);
    if (!tx.reads.has(key)) tx.reads.set(key, found ? found.rev : null);
    return found ? found.doc : null;
  }

  private txWrite(tx: Transaction, collection: string, id: DocId, doc: Doc | null): void {
    const key = txKey(collection, id);
    this.noteRead(collection, { _id: id });
    if (!tx.reads.has(key)) tx.reads.set(key, this.store.revision(collection, id));
    tx.writes.set(key, { collection, id, doc });
  }

  private commit(tx: Transaction): void {
    this.transactions.delete(tx.id);
    this.store.transaction(() => {
      for (const [key, rev] of tx.reads) {
        const [collection, id] = key.split('\u0000');
        if (this.store.revision(collection, id) !== rev) throw conflict();
      }
      for (const { collection, id, doc } of tx.writes.values()) {
        const current = this.store.get(collection, id);
        if (doc === null) {
          if (current) this.store.remove(collection, id);
        } else if (current) {
          this.store.replace(collection, current.doc, doc);
        } else {
          this.store.insert(collection, doc);
        }
      }
    });
  }
}
