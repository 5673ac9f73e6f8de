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

let store: Store;
let engine: DatabaseEngine;

beforeEach(() => {
  store = new Store(join(mkdtempSync(join(tmpdir(), 'jxm-wire-')), 'cloud.db'), SPECS);
  store.createCollection('things');
  engine = new DatabaseEngine(store, () => NOW);
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
      '{"_id":"slow","o":{"$oid":"5f1d7a3e9c1b2a3d4e5f6a7b"},"at":{"$tcb_server_date":{"offset":-2500}},"list":[{"$tcb_server_date":{}}]}',
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
