/**
 * Group commit in the embedded store (tools/local-cloud/db/store.ts): concurrent requests' writes share one SQLite
 * transaction and one WAL sync, each write in a savepoint of its own; no reply leaves before what it wrote, or
 * could show, is durable. Checked on a real file through the engine's wire actions, with a second connection to
 * the same file as the witness of what is committed (it sees nothing of a group before its COMMIT).
 */
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CollectionSpec } from '../../cloudfunctions/_server/db/collections';
import { DatabaseEngine, type WireReply } from '../../tools/local-cloud/db/engine';
import { Store } from '../../tools/local-cloud/db/store';

const SPECS: Record<string, CollectionSpec> = {
  things: {
    description: 'test documents',
    indexes: [
      { name: 'code', fields: [['code', 1]], unique: true, sparse: true },
      {
        name: 'kind_n',
        fields: [
          ['kind', 1],
          ['n', 1],
        ],
      },
    ],
  },
};

let file: string;
let store: Store;
let engine: DatabaseEngine;
let witness: Database.Database;

beforeEach(() => {
  file = join(mkdtempSync(join(tmpdir(), 'jxm-group-')), 'cloud.db');
  store = new Store(file, SPECS, { shared: true });
  store.createCollection('things');
  engine = new DatabaseEngine(store);
  witness = new Database(file, { readonly: true });
});

afterEach(() => {
  if (witness.open) witness.close();
  if (store.db.open) store.close();
});

/** The document as committed in the file (null: not there), seen from the witness connection. */
const committed = (id: string): Record<string, unknown> | null => {
  const row = witness.prepare('SELECT data FROM "c_things" WHERE id = ?').get(id) as
    { data: string } | undefined;
  return row ? (JSON.parse(row.data) as Record<string, unknown>) : null;
};

const insert = (...docs: Array<Record<string, unknown>>) =>
  engine.send('database.insertDocument', {
    collectionName: 'things',
    data: docs.map((doc) => JSON.stringify(doc)),
  });
const get = (query: Record<string, unknown>) =>
  engine.send('database.getDocument', {
    collectionName: 'things',
    queryType: 'WHERE',
    query: JSON.stringify(query),
  });
const update = (id: string, set: Record<string, unknown>) =>
  engine.send('database.modifyDocument', {
    collectionName: 'things',
    queryType: 'DOC',
    query: JSON.stringify({ _id: id }),
    data: JSON.stringify({ $set: set }),
    merge: true,
  });
const ids = (reply: WireReply) =>
  ((reply.data as { list: string[] }).list ?? []).map((d) => (JSON.parse(d) as { _id: string })._id);

describe('concurrent writes', () => {
  it('should commit them in one group, and answer each only once the group holding it is committed', async () => {
    const before = { ...store.groupStats };
    const seenAtReply: Array<Record<string, unknown> | null> = [];
    const replies = Array.from({ length: 20 }, (_, i) =>
      insert({ _id: `t${i}`, kind: 'a', n: i }).then((reply) => {
        seenAtReply.push(committed(`t${i}`));
        return reply;
      }),
    );
    // written on this connection, not yet committed, not yet answered
    expect(store.pendingWrites).toBe(true);
    expect(store.get('things', 't7')?.doc).toMatchObject({ n: 7 });
    expect(committed('t7')).toBeNull();
    await Promise.resolve();
    expect(seenAtReply).toHaveLength(0);

    const answered = await Promise.all(replies);
    expect(answered.filter((r) => r.code)).toEqual([]);
    expect(seenAtReply.filter((doc) => doc === null)).toHaveLength(0);
    expect(store.groupStats.groups - before.groups).toBe(1);
    expect(store.groupStats.writes - before.writes).toBe(20);
    expect(store.pendingWrites).toBe(false);
  });

  it('should keep every acknowledged write through close() and a new Store on the file', async () => {
    await Promise.all(Array.from({ length: 30 }, (_, i) => insert({ _id: `k${i}`, kind: 'b', n: i })));
    store.close();
    const reopened = new Store(file, SPECS);
    try {
      expect(reopened.count('things')).toBe(30);
      expect(reopened.integrityCheck()).toBe('ok');
    } finally {
      reopened.close();
    }
  });

  it('should hold the file for itself unless opened shared: another connection is refused, and no -shm file is left to share', async () => {
    await insert({ _id: 'k1', kind: 'a', n: 1 });
    store.close();
    witness.close();
    const own = new Store(file, SPECS);
    const other = new Database(file, { readonly: true, timeout: 0 });
    try {
      expect(own.count('things')).toBe(1);
      expect(() => other.prepare('SELECT count(*) AS n FROM "c_things"').get()).toThrow(/database is locked/);
      expect(existsSync(`${file}-shm`)).toBe(false);
    } finally {
      other.close();
      own.close();
    }
  });

  it('should leave the connection at synchronous=FULL between groups, for whoever uses it directly', async () => {
    await insert({ _id: 'sync', kind: 'a', n: 1 });
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(store.db.inTransaction).toBe(false);
  });
});

describe('a failing write in a group', () => {
  it('should undo itself only: the others of its group are committed', async () => {
    await insert({ _id: 'dup', kind: 'a', n: 0 }, { _id: 'coded', code: 'C-1' });
    const replies = await Promise.all([
      insert({ _id: 'g1', kind: 'a', n: 1 }),
      insert({ _id: 'dup', kind: 'a', n: 99 }), // duplicate _id
      insert({ _id: 'g2', code: 'C-1' }), // duplicate key of the unique index
      insert({ _id: 'g3', kind: 'a', n: 3 }, { _id: 'g1', kind: 'a', n: 4 }), // its second document fails: neither
      insert({ _id: 'g4', kind: 'a', n: 4 }),
    ]);
    expect(replies.map((r) => (r.code ? 'failed' : 'ok'))).toEqual([
      'ok',
      'failed',
      'failed',
      'failed',
      'ok',
    ]);
    expect(String(replies[1].message)).toMatch(/duplicate key/);
    for (const id of ['g1', 'g4', 'dup', 'coded']) expect(committed(id)).not.toBeNull();
    for (const id of ['g2', 'g3']) expect(committed(id)).toBeNull();
    expect(committed('dup')).toMatchObject({ n: 0 });
    // the index entries went with their documents
    expect(store.find('things', { code: 'C-1' }).docs.map((d) => d._id)).toEqual(['coded']);
    expect(store.find('things', { kind: 'a', n: 3 }).docs).toEqual([]);
  });

  it('should not undo the group when a transaction() inside it throws', () => {
    store.insert('things', { _id: 'kept', kind: 'a', n: 1 });
    expect(() =>
      store.transaction(() => {
        store.insert('things', { _id: 'undone', kind: 'a', n: 2 });
        throw new Error('changed my mind');
      }),
    ).toThrow('changed my mind');
    store.flush();
    expect(committed('kept')).not.toBeNull();
    expect(committed('undone')).toBeNull();
    expect(store.get('things', 'undone')).toBeUndefined();
    // and what it wrote is not taken for a pending write any more
    expect(store.pendingAffects('things', { _id: 'undone' })).toBe(false);
  });

  it('should undo a batch whole when one of its inserts fails, even if the batch catches the error', () => {
    store.insert('things', { _id: 'taken', code: 'T-1' });
    expect(() =>
      store.transaction(() => {
        store.insert('things', { _id: 'b1', kind: 'b', n: 1 });
        try {
          // its document row is written before the unique index refuses it: nothing of it may stay
          store.insert('things', { _id: 'b2', code: 'T-1' });
        } catch {
          // a batch that goes on regardless
        }
        store.insert('things', { _id: 'b3', kind: 'b', n: 3 });
      }),
    ).toThrow(/duplicate key/);
    store.flush();
    for (const id of ['b1', 'b2', 'b3']) expect(committed(id)).toBeNull();
    expect(store.find('things', { code: 'T-1' }).docs.map((d) => d._id)).toEqual(['taken']);
    expect(store.find('things', { kind: 'b' }).docs).toEqual([]);
    expect(store.pendingAffects('things', { kind: 'b' })).toBe(false);
    // the store goes on: the next write is its own
    store.insert('things', { _id: 'after', kind: 'b', n: 4 });
    store.flush();
    expect(committed('after')).not.toBeNull();
  });

  it.each([
    ['on its own', (write: () => Promise<void>) => store.transaction(write)],
    ['inside another', (write: () => Promise<void>) => store.transaction(() => store.transaction(write))],
  ])(
    'should refuse a function that answers a promise, %s, and keep nothing it wrote before answering',
    (_, run) => {
      // what such a function writes after its first await would land outside the transaction
      const write = async () => {
        store.insert('things', { _id: 'async-1', kind: 'a', n: 1 });
        await Promise.resolve();
      };
      expect(() => run(write)).toThrow(new TypeError('Store.transaction() runs synchronous functions only'));
      store.flush();
      expect(committed('async-1')).toBeNull();
      expect(store.find('things', { kind: 'a' }).docs).toEqual([]);
    },
  );
});

describe('engine transactions in a group', () => {
  const start = async () => String((await engine.send('database.startTransaction', {})).transactionId);
  const txGet = (transactionId: string, id: string) =>
    engine.send('database.getInTransaction', { transactionId, collectionName: 'things', _id: id });
  const txUpdate = (transactionId: string, id: string, set: Record<string, unknown>) =>
    engine.send('database.updateDocInTransaction', {
      transactionId,
      collectionName: 'things',
      _id: id,
      data: JSON.stringify({ $set: set }),
    });
  const commit = (transactionId: string) => engine.send('database.commitTransaction', { transactionId });

  it('should still see a conflict with a write of the same group, and keep that write', async () => {
    await insert({ _id: 'acct', kind: 'acct', n: 10 });
    const tx = await start();
    await txGet(tx, 'acct');
    await txUpdate(tx, 'acct', { n: 9 });
    // a plain update and the transaction's commit, sent together: they land in one group
    const [plain, committing, other] = await Promise.all([
      update('acct', { n: 20 }),
      commit(tx),
      insert({ _id: 'bystander', kind: 'a', n: 1 }),
    ]);
    expect(plain.code).toBeUndefined();
    expect(committing.code).toBe('DATABASE_TRANSACTION_CONFLICT');
    expect(other.code).toBeUndefined();
    expect(committed('acct')).toMatchObject({ n: 20 });
    expect(committed('bystander')).not.toBeNull();
  });

  it('should commit a transaction whole, beside writes of others in the same group', async () => {
    await insert({ _id: 'from', kind: 'acct', n: 10 }, { _id: 'to', kind: 'acct', n: 0 });
    const tx = await start();
    const from = JSON.parse(String((await txGet(tx, 'from')).data)) as { n: number };
    await txUpdate(tx, 'from', { n: from.n - 3 });
    await txUpdate(tx, 'to', { n: 3 });
    const [committing, ...others] = await Promise.all([
      commit(tx),
      ...Array.from({ length: 5 }, (_, i) => insert({ _id: `side${i}`, kind: 'a', n: i })),
    ]);
    expect(committing.code).toBeUndefined();
    expect(others.filter((r) => r.code)).toEqual([]);
    expect([committed('from'), committed('to')]).toMatchObject([{ n: 7 }, { n: 3 }]);
  });
});

describe('replies to reads', () => {
  it('should not wait for a group that holds nothing the read could show', async () => {
    await insert({ _id: 'old', kind: 'x', n: 1 });
    const order: string[] = [];
    const write = insert({ _id: 'new', kind: 'y', n: 2 }).then(() => order.push('write'));
    const byId = get({ _id: 'old' }).then((r) => order.push(`byId:${ids(r).join()}`));
    const byFilter = get({ kind: 'x' }).then((r) => order.push(`byFilter:${ids(r).join()}`));
    await Promise.all([write, byId, byFilter]);
    expect(order).toEqual(['byId:old', 'byFilter:old', 'write']);
  });

  it('should wait for the commit when the read could show a write not durable yet', async () => {
    await insert({ _id: 'u', kind: 'x', n: 1 });
    const atReply: Record<string, unknown> = {};
    const writes = [insert({ _id: 'v', kind: 'x', n: 2 }), update('u', { kind: 'z' })];
    const reads = [
      get({ _id: 'v' }).then((r) => (atReply.newById = { ids: ids(r), committed: committed('v') })),
      // matches v as it is now
      get({ kind: 'x' }).then((r) => (atReply.matchesNow = { ids: ids(r), committed: committed('v') })),
      // matches u as it is durably (kind x): its absence from the answer is news too
      get({ kind: 'x', n: 1 }).then(
        (r) => (atReply.matchedBefore = { ids: ids(r), committed: committed('u') }),
      ),
      engine
        .send('database.calculateDocument', { collectionName: 'things', query: JSON.stringify({}) })
        .then(
          (r) => (atReply.count = { total: (r.data as { total: number }).total, committed: committed('v') }),
        ),
    ];
    await Promise.all([...writes, ...reads]);
    expect(atReply).toEqual({
      newById: { ids: ['v'], committed: expect.objectContaining({ n: 2 }) },
      matchesNow: { ids: ['v'], committed: expect.objectContaining({ n: 2 }) },
      matchedBefore: { ids: [], committed: expect.objectContaining({ kind: 'z' }) },
      count: { total: 2, committed: expect.objectContaining({ n: 2 }) },
    });
  });
});

describe('durability', () => {
  it('should make everything durable at once with flush(), and resolve durable()', async () => {
    store.insert('things', { _id: 'f1', kind: 'a', n: 1 });
    const durable = store.durable();
    expect(committed('f1')).toBeNull();
    store.flush();
    expect(committed('f1')).not.toBeNull();
    expect(store.pendingWrites).toBe(false);
    await expect(durable).resolves.toBeUndefined();
  });

  it('should commit a bulk load in groups of at most GROUP_MAX_WRITES, without waiting for a macrotask', () => {
    const before = store.groupStats.groups;
    store.transaction(() => {
      for (let i = 0; i < 10_001; i++) store.insert('things', { _id: `bulk${i}`, kind: 'bulk', n: i });
    });
    expect(store.groupStats.groups - before).toBe(1);
    expect(committed('bulk10000')).not.toBeNull();
    // and durable: nothing of it is held as pending until the event loop turns
    expect(store.pendingWrites).toBe(false);
  });

  it('should fail every reply of a group whose commit fails, undo the group whole, and go on', async () => {
    // a write that only COMMIT refuses: a deferred foreign key
    store.db.pragma('foreign_keys = ON');
    store.db.exec(
      'CREATE TABLE parent (id TEXT PRIMARY KEY); CREATE TABLE child (p TEXT REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)',
    );
    const writes = [insert({ _id: 'doomed1', kind: 'a', n: 1 }), insert({ _id: 'doomed2', kind: 'a', n: 2 })];
    store.transaction(() => store.db.prepare('INSERT INTO child (p) VALUES (?)').run('nobody'));
    const replies = await Promise.all(writes);
    expect(replies.map((r) => r.code)).toEqual(['DATABASE_REQUEST_FAILED', 'DATABASE_REQUEST_FAILED']);
    expect(String(replies[0].message)).toMatch(/could not be committed/);
    expect(committed('doomed1')).toBeNull();
    expect(store.get('things', 'doomed1')).toBeUndefined();
    expect(store.db.inTransaction).toBe(false);

    const later = await insert({ _id: 'later', kind: 'a', n: 3 });
    expect(later.code).toBeUndefined();
    expect(committed('later')).not.toBeNull();
    expect(ids(await get({ _id: 'doomed1' }))).toEqual([]);
  });
});
