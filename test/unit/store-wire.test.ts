/**
 * The embedded database's wire actions as the cloud answers them (tools/local-cloud/db/engine.ts): the replies'
 * shapes and counts the SDK reads, the errors and their messages, the server's clock for serverDate, the older
 * order form, and the transaction actions' upsert and delete. Sent to the engine as the SDK sends them; what the SDK
 * makes of the replies is the database-* suites' part.
 */
import { EJSON } from 'bson';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CollectionSpec } from '../../cloudfunctions/_server/db/collections';
import { DatabaseEngine, type WireReply } from '../../tools/local-cloud/db/engine';
import { Store } from '../../tools/local-cloud/db/store';

const SPECS: Record<string, CollectionSpec> = {
  things: { description: 'test documents', indexes: [] },
};
const NOW = Date.UTC(2026, 11, 2, 4, 0, 0);
let now = NOW;

let store: Store;
let engine: DatabaseEngine;

beforeEach(() => {
  store = new Store(join(mkdtempSync(join(tmpdir(), 'jxm-wire-')), 'cloud.db'), SPECS);
  store.createCollection('things');
  now = NOW;
  engine = new DatabaseEngine(store, () => now);
});

afterEach(() => {
  if (store.db.open) store.close();
});

const send = (action: string, params: Record<string, unknown> = {}) =>
  engine.send(`database.${action}`, { collectionName: 'things', ...params });
const insert = (doc: Record<string, unknown> | string) =>
  send('insertDocument', { data: [typeof doc === 'string' ? doc : JSON.stringify(doc)] });
const list = (reply: WireReply) =>
  ((reply.data as { list: string[] }).list ?? []).map(
    (d) => EJSON.parse(d, { relaxed: true }) as Record<string, unknown>,
  );
const find = async (query?: unknown, more: Record<string, unknown> = {}) =>
  list(await send('getDocument', { queryType: 'WHERE', query, ...more }));
const errorOf = (reply: WireReply) => ({ code: reply.code, message: reply.message });
const tx = async () => (await send('startTransaction')).transactionId as string;

describe('wire errors', () => {
  it('should refuse a collection that exists already, as the cloud words it', async () => {
    expect(errorOf(await send('addCollection'))).toEqual({
      code: 'DATABASE_REQUEST_FAILED',
      message: '[ResourceInUse] Table exist.',
    });
    expect(errorOf(await send('addCollection', { collectionName: 'others' }))).toEqual({
      code: undefined,
      message: undefined,
    });
  });

  it('should name an action it does not know', async () => {
    expect(errorOf(await engine.send('database.nope', {}))).toEqual({
      code: 'INVALID_PARAM',
      message: 'unknown database action: database.nope',
    });
  });

  it.each(['[1,2]', '"text"', '5', 'true'])(
    'should refuse the query %s, which is not an object',
    async (query) => {
      expect(errorOf(await send('getDocument', { queryType: 'WHERE', query }))).toEqual({
        code: 'INVALID_PARAM',
        message: 'query must be an object',
      });
    },
  );

  it.each([undefined, null, ''])('should read a missing query (%p) as every document', async (query) => {
    await insert({ _id: 'a', n: 1 });
    await insert({ _id: 'b', n: 2 });
    expect((await find(query)).map((d) => d._id)).toEqual(['a', 'b']);
  });

  it('should refuse a document operation in a transaction without a document id', async () => {
    const transactionId = await tx();
    for (const query of ['{}', '{"_id":{"$in":["a"]}}', '{"_id":null}']) {
      expect(errorOf(await send('getDocument', { transactionId, queryType: 'DOC', query }))).toEqual({
        code: 'INVALID_PARAM',
        message: 'docId不能为空',
      });
    }
    await insert({ _id: 7, n: 1 });
    const byNumber = await send('getDocument', { transactionId, queryType: 'DOC', query: '{"_id":7}' });
    expect(list(byNumber)).toEqual([{ _id: 7, n: 1 }]);
  });

  it('should answer what the handler throws that is not a database error as an invalid parameter', async () => {
    const reply = await send('modifyDocument', { queryType: 'WHERE', query: '{"a":', data: '{}' });
    expect(reply.code).toBe('DATABASE_REQUEST_FAILED');
    expect(reply.message).toMatch(/^\[InvalidParameter\] .*JSON/);
  });

  it('should word a transaction conflict as the cloud does', async () => {
    await insert({ _id: 'a', n: 1 });
    const first = await tx();
    const second = await tx();
    await send('getInTransaction', { transactionId: first, _id: 'a' });
    await send('getInTransaction', { transactionId: second, _id: 'a' });
    const change = (transactionId: string, n: number) =>
      send('updateDocInTransaction', { transactionId, _id: 'a', data: JSON.stringify({ $set: { n } }) });
    await change(first, 2);
    await change(second, 3);
    expect(errorOf(await send('commitTransaction', { transactionId: first }))).toEqual({
      code: undefined,
      message: undefined,
    });
    expect(errorOf(await send('commitTransaction', { transactionId: second }))).toEqual({
      code: 'DATABASE_TRANSACTION_CONFLICT',
      message:
        '[ResourceUnavailable.TransactionConflict] Transaction is conflict, maybe resource operated by others.',
    });
    expect((await find({ _id: 'a' }))[0].n).toBe(2);
  });
});

describe('values from the wire', () => {
  it('should stamp serverDate with the engine clock plus its offset, in the fast reader and in bson alike', async () => {
    await insert(
      '{"_id":"fast","at":{"$tcb_server_date":{"offset":{"$numberInt":"1500"}}},"plain":{"$tcb_server_date":{}}}',
    );
    // an ObjectId elsewhere in the document hands the whole text to bson, and its values to the engine's revive
    await insert(
      '{"_id":"slow","o":{"$oid":"5f1d7a3e9c1b2a3d4e5f6a7b"},"at":{"$tcb_server_date":{"offset":-2500}},"list":[{"$tcb_server_date":{}}],"bare":{"$tcb_server_date":null}}',
    );
    const [fast, slow] = await find(undefined, { order: '{"_id":1}' });
    expect(fast).toEqual({
      _id: 'fast',
      at: new Date(NOW + 1500),
      plain: new Date(NOW),
    });
    expect(slow).toEqual({
      _id: 'slow',
      o: '5f1d7a3e9c1b2a3d4e5f6a7b',
      at: new Date(NOW - 2500),
      list: [new Date(NOW)],
      bare: new Date(NOW),
    });
  });

  it('should turn bson regular expressions into ones mingo can run, dropping flags JavaScript lacks', async () => {
    await insert({ _id: 'a', name: 'Changchun' });
    await insert({ _id: 'b', name: 'Jilin' });
    const query = '{"name":{"$regularExpression":{"pattern":"^chang","options":"ix"}},"o":{"$exists":false}}';
    expect((await find(query)).map((d) => d._id)).toEqual(['a']);
  });

  it('should order by the older form [{field, direction}] as by {field: ±1}', async () => {
    for (const [id, n] of [
      ['a', 2],
      ['b', 3],
      ['c', 1],
    ] as const)
      await insert({ _id: id, n });
    const ids = async (order: string) => (await find(undefined, { order })).map((d) => d._id);
    expect(await ids('[{"field":"n","direction":"desc"}]')).toEqual(['b', 'a', 'c']);
    expect(await ids('[{"field":"n","direction":"asc"}]')).toEqual(['c', 'a', 'b']);
    expect(await ids('{"n":-1}')).toEqual(['b', 'a', 'c']);
    expect(await ids('{"n":1}')).toEqual(['c', 'a', 'b']);
  });
});

describe('transaction actions', () => {
  it('should update a document it holds, and say so with upserted null', async () => {
    await insert({ _id: 'a', n: 1, keep: true });
    const transactionId = await tx();
    const reply = await send('updateDocInTransaction', {
      transactionId,
      _id: 'a',
      data: JSON.stringify({ $set: { n: 2 } }),
    });
    expect(reply).toMatchObject({ updated: '1', upserted: null });
    await send('commitTransaction', { transactionId });
    expect(await find({ _id: 'a' })).toEqual([{ _id: 'a', n: 2, keep: true }]);
  });

  it('should leave a missing document alone without upsert, and create it with upsert', async () => {
    const transactionId = await tx();
    const update = await send('updateDocInTransaction', {
      transactionId,
      _id: 'missing',
      data: JSON.stringify({ $set: { n: 1 } }),
    });
    expect(update).toMatchObject({ updated: '0' });
    expect(update).not.toHaveProperty('upserted');
    const upsert = await send('updateDocInTransaction', {
      transactionId,
      _id: 'made',
      upsert: true,
      data: JSON.stringify({ _id: 'ignored', n: 5 }),
    });
    expect(upsert).toMatchObject({ updated: '0', upserted: '[{"_id":"made"}]' });
    await send('commitTransaction', { transactionId });
    expect(await find()).toEqual([{ _id: 'made', n: 5 }]);
  });

  it('should delete a document it holds and count it, and count 0 for one that is not there', async () => {
    await insert({ _id: 'a', n: 1 });
    await insert({ _id: 'b', n: 2 });
    const transactionId = await tx();
    expect(await send('deleteDocInTransaction', { transactionId, _id: 'a' })).toMatchObject({ deleted: '1' });
    expect(await send('deleteDocInTransaction', { transactionId, _id: 'nobody' })).toMatchObject({
      deleted: '0',
    });
    expect((await find()).map((d) => d._id)).toEqual(['a', 'b']); // not before the commit
    await send('commitTransaction', { transactionId });
    expect((await find()).map((d) => d._id)).toEqual(['b']);
  });

  it('should start and abort a transaction without waiting for a write of others to be durable', async () => {
    const order: string[] = [];
    const write = insert({ _id: 'w', n: 1 }).then(() => order.push('write'));
    const started = tx().then((id) => {
      order.push('start');
      return id;
    });
    await Promise.all([write, started]);
    const transactionId = await started;
    const second = insert({ _id: 'x', n: 2 }).then(() => order.push('write'));
    const aborted = send('abortTransaction', { transactionId }).then(() => order.push('abort'));
    await Promise.all([second, aborted]);
    expect(order).toEqual(['start', 'write', 'abort', 'write']);
  });
});

describe('reads and writes outside a transaction', () => {
  const three = async () => {
    for (const [id, n] of [
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ] as const)
      await insert({ _id: id, n, kind: 'k' });
  };
  const ids = (docs: Array<Record<string, unknown>>) => docs.map((d) => d._id);

  it.each([0, -1, 'ten'])(
    'should read a limit of %p as the default, and an offset below 1 as none',
    async (limit) => {
      await three();
      expect(ids(await find(undefined, { limit, order: '{"n":1}' }))).toEqual(['a', 'b', 'c']);
      expect(ids(await find(undefined, { offset: -2, order: '{"n":1}' }))).toEqual(['a', 'b', 'c']);
      expect(ids(await find(undefined, { offset: 1, limit: 1, order: '{"n":1}' }))).toEqual(['b']);
    },
  );

  it('should take a transactionId that is empty or null as none', async () => {
    await three();
    for (const transactionId of ['', null]) expect(await find(undefined, { transactionId })).toHaveLength(3);
  });

  it.each(['5', '[1,2]', 'null', '"text"'])(
    'should refuse to insert %s, which is not a document',
    async (data) => {
      expect(errorOf(await send('insertDocument', { data: [data] }))).toEqual({
        code: 'INVALID_PARAM',
        message: '参数必需是非空对象',
      });
      expect(await find()).toEqual([]);
    },
  );

  it('should insert one document sent on its own rather than in a list', async () => {
    const reply = await send('insertDocument', { data: '{"_id":"one","n":1}' });
    expect(reply.data).toEqual({ insertedIds: ['one'] });
    expect(await find()).toEqual([{ _id: 'one', n: 1 }]);
  });

  it('should give a document inserted with an empty or null _id an id of its own', async () => {
    const reply = await send('insertDocument', { data: ['{"_id":null,"n":1}', '{"_id":"","n":2}'] });
    const insertedIds = (reply.data as { insertedIds: string[] }).insertedIds;
    expect(insertedIds).toHaveLength(2);
    for (const id of insertedIds) expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(ids(await find(undefined, { order: '{"n":1}' }))).toEqual(insertedIds);
  });

  it.each(['5', 'null', '"text"'])('should refuse an update whose data %s is not an object', async (data) => {
    await three();
    const reply = await send('modifyDocument', { queryType: 'WHERE', query: '{}', data });
    expect(errorOf(reply)).toEqual({ code: 'INVALID_PARAM', message: '参数必需是非空对象' });
  });

  it('should update and remove one matching document when multi is false, every one otherwise', async () => {
    await three();
    const set = (multi?: boolean) =>
      send('modifyDocument', { queryType: 'WHERE', query: '{"kind":"k"}', multi, data: '{"$inc":{"n":10}}' });
    expect((await set(false)).data).toEqual({ updated: 1 });
    expect((await set()).data).toEqual({ updated: 3 });
    const remove = (multi?: boolean) =>
      send('removeDocument', { queryType: 'WHERE', query: '{"kind":"k"}', multi });
    expect((await remove(false)).data).toEqual({ deleted: 1 });
    expect((await remove()).data).toEqual({ deleted: 2 });
  });

  it('should update and return the first document in the order asked, and leave one it does not change as it was', async () => {
    await three();
    const reply = await send('modifyAndReturnDoc', {
      queryType: 'WHERE',
      query: '{"kind":"k"}',
      order: '{"n":-1}',
      data: '{"$set":{"top":true}}',
    });
    expect(reply.data).toMatchObject({ updated: 1 });
    expect(EJSON.parse((reply.data as { doc: string }).doc)).toEqual({
      _id: 'c',
      n: 3,
      kind: 'k',
      top: true,
    });
    expect(ids(await find({ top: true }))).toEqual(['c']);
    // a transaction that read b sees no change of b when the update changes nothing in it
    const transactionId = await tx();
    await send('getInTransaction', { transactionId, _id: 'b' });
    const same = await send('modifyAndReturnDoc', {
      queryType: 'WHERE',
      query: '{"_id":"b"}',
      data: '{"$set":{"n":2}}',
    });
    expect(same.data).toMatchObject({ updated: 0 });
    await send('updateDocInTransaction', { transactionId, _id: 'b', data: '{"$set":{"seen":true}}' });
    expect(errorOf(await send('commitTransaction', { transactionId }))).toEqual({
      code: undefined,
      message: undefined,
    });
  });

  it('should answer an aggregation without $limit with its first 20 results, as WeChat Cloud does', async () => {
    for (let i = 0; i < 25; i++) await insert({ _id: `d${String(i).padStart(2, '0')}`, n: i });
    const aggregate = (stages: Array<[string, unknown]>) =>
      send('aggregateDocuments', {
        stages: stages.map(([stageKey, value]) => ({ stageKey, stageValue: JSON.stringify(value) })),
      });
    const count = async (stages: Array<[string, unknown]>) =>
      ((await aggregate(stages)).data as { list: string[] }).list.length;
    expect(await count([['$match', {}]])).toBe(20);
    expect(
      await count([
        ['$match', {}],
        ['$limit', 25],
      ]),
    ).toBe(25);
    expect(
      await count([
        ['$limit', 22],
        ['$match', {}],
      ]),
    ).toBe(22);
  });
});

describe('document actions in a transaction', () => {
  it('should neither update nor create a missing document without upsert, and count what it removes', async () => {
    await insert({ _id: 'a', n: 1 });
    const transactionId = await tx();
    const doc = (id: string) => ({ transactionId, queryType: 'DOC', query: JSON.stringify({ _id: id }) });
    expect((await send('modifyDocument', { ...doc('missing'), data: '{"$set":{"n":1}}' })).data).toEqual({
      updated: 0,
    });
    expect((await send('removeDocument', doc('missing'))).data).toEqual({ deleted: 0 });
    expect((await send('removeDocument', doc('a'))).data).toEqual({ deleted: 1 });
    await send('commitTransaction', { transactionId });
    expect(await find()).toEqual([]);
  });

  it('should answer a missing document as null, and update and return one it holds', async () => {
    await insert({ _id: 'a', n: 1 });
    const transactionId = await tx();
    expect(await send('getInTransaction', { transactionId, _id: 'missing' })).toMatchObject({ data: 'null' });
    const doc = (id: string) => ({ transactionId, queryType: 'DOC', query: JSON.stringify({ _id: id }) });
    const inc = '{"$inc":{"n":1}}';
    expect((await send('modifyAndReturnDoc', { ...doc('missing'), data: inc })).data).toEqual({ updated: 0 });
    const changed = (await send('modifyAndReturnDoc', { ...doc('a'), data: inc })).data as { doc: string };
    expect(changed).toMatchObject({ updated: 1 });
    expect(EJSON.parse(changed.doc)).toEqual({ _id: 'a', n: 2 });
    await send('commitTransaction', { transactionId });
    expect(await find()).toEqual([{ _id: 'a', n: 2 }]);
  });

  it('should ask for the transaction of a commit sent without one', async () => {
    expect(errorOf(await send('commitTransaction'))).toEqual({
      code: 'INVALID_PARAM',
      message: 'transactionId is required',
    });
  });

  it('should keep a transaction for 30 seconds to the millisecond, then answer that it ended or expired', async () => {
    const transactionId = await tx();
    now = NOW + 30_000;
    expect((await send('getInTransaction', { transactionId, _id: 'a' })).code).toBeUndefined();
    now = NOW + 30_001;
    expect(errorOf(await send('getInTransaction', { transactionId, _id: 'a' }))).toEqual({
      code: 'DATABASE_REQUEST_FAILED',
      message: '[FailedOperation] transaction not found: it ended or expired',
    });
  });

  it('should answer a read in a transaction without waiting for a write of another document', async () => {
    await insert({ _id: 'a', n: 1 });
    const transactionId = await tx();
    const order: string[] = [];
    const write = insert({ _id: 'w', n: 2 }).then(() => order.push('write'));
    const read = send('getInTransaction', { transactionId, _id: 'a' }).then(() => order.push('read'));
    await Promise.all([write, read]);
    expect(order).toEqual(['read', 'write']);
  });
});
