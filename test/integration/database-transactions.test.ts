/**
 * Transactions of the embedded cloud database through the real wx-server-sdk: db.runTransaction (which retries
 * on DATABASE_TRANSACTION_CONFLICT) and db.startTransaction (which does not).
 */
import { openEmbeddedDb, type EmbeddedDb } from '../helpers/embedded-db';

type Row = Record<string, unknown> & { _id?: string | number };

/** The parts of wx-server-sdk's Transaction the tests use (its own typings say `any`). */
interface Tx {
  collection(name: string): ReturnType<EmbeddedDb['db']['collection']>;
  commit(): Promise<unknown>;
  rollback(reason?: unknown): Promise<unknown>;
}

let env: EmbeddedDb;
let db: EmbeddedDb['db'];
let _: EmbeddedDb['db']['command'];

const accounts$ = () => db.collection('accounts');
const exists = async (collection: string, id: string) =>
  (await db.collection(collection).where({ _id: id }).count()).total === 1;
const read = async (collection: string, id: string) =>
  (await db.collection(collection).doc(id).get()).data as Row;
const runTransaction = <T>(fn: (t: Tx) => Promise<T>, retries?: number): Promise<T> =>
  db.runTransaction(fn, retries) as Promise<T>;
const startTransaction = () => db.startTransaction() as Promise<Tx>;

async function failure(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (err) {
    return err as Record<string, unknown>;
  }
  throw new Error('expected the call to fail');
}
const messageOf = (err: Record<string, unknown>) => `${err.errMsg ?? ''} ${err.message ?? ''}`;

beforeAll(async () => {
  env = openEmbeddedDb();
  db = env.db;
  _ = db.command;
  await db.createCollection('accounts');
  env.store.createCollection('persons');
  env.store.createCollection('checkins');
});

afterAll(() => env.store.close());

describe('reading its own writes', () => {
  it('should see its set, update, add and remove before commit, and show nothing outside until then', async () => {
    const result = await runTransaction(async (t) => {
      const accounts = t.collection('accounts');
      await accounts.doc('own-a').set({ data: { balance: 10, openedAt: db.serverDate() } });
      const afterSet = (await accounts.doc('own-a').get()).data;
      expect(afterSet.balance).toBe(10);
      expect(afterSet.openedAt).toBeInstanceOf(Date);

      const updated = await accounts
        .doc('own-a')
        .update({ data: { balance: _.inc(5), tags: _.push('new') } });
      expect(updated.stats.updated).toBe(1);
      expect((await accounts.doc('own-a').get()).data).toMatchObject({ balance: 15, tags: ['new'] });

      await accounts.add({ data: { _id: 'own-b', balance: 1 } });
      expect((await accounts.doc('own-b').get()).data).toEqual({ _id: 'own-b', balance: 1 });
      const removed = await accounts.doc('own-b').remove();
      expect(removed.stats.removed).toBe(1);
      await expect(accounts.doc('own-b').get()).rejects.toBeTruthy();

      // nothing is visible outside the transaction before it commits
      expect(await exists('accounts', 'own-a')).toBe(false);
      return 'done';
    });
    expect(result).toBe('done');
    expect(await read('accounts', 'own-a')).toMatchObject({ _id: 'own-a', balance: 15, tags: ['new'] });
    expect(await exists('accounts', 'own-b')).toBe(false);
  });

  it('should read what was committed before it started', async () => {
    await accounts$()
      .doc('seen')
      .set({ data: { balance: 42 } });
    const t = await startTransaction();
    expect((await t.collection('accounts').doc('seen').get()).data).toEqual({ _id: 'seen', balance: 42 });
    const projected = await t.collection('accounts').doc('seen').field({ balance: false }).get();
    expect(projected.data).toEqual({ _id: 'seen' });
    await t.rollback();
  });
});

describe('atomic commit', () => {
  it('should leave nothing behind when the runTransaction callback throws', async () => {
    const err = await failure(
      runTransaction(async (t) => {
        await t
          .collection('accounts')
          .doc('boom-a')
          .set({ data: { n: 1 } });
        await t.collection('accounts').add({ data: { _id: 'boom-b', n: 2 } });
        throw new Error('boom');
      }),
    );
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toBe('boom');
    expect(await exists('accounts', 'boom-a')).toBe(false);
    expect(await exists('accounts', 'boom-b')).toBe(false);
  });

  it('should leave nothing behind after transaction.rollback(), in runTransaction and in startTransaction', async () => {
    await accounts$()
      .doc('rb')
      .set({ data: { n: 1 } });
    const reason = await failure(
      runTransaction(async (t) => {
        await t
          .collection('accounts')
          .doc('rb')
          .update({ data: { n: 2 } });
        await t
          .collection('accounts')
          .doc('rb-new')
          .set({ data: { n: 3 } });
        await t.rollback('changed my mind');
      }),
    );
    expect(reason).toBe('changed my mind');

    const t = await startTransaction();
    await t.collection('accounts').doc('rb').remove();
    await t
      .collection('accounts')
      .doc('rb-new2')
      .set({ data: { n: 4 } });
    await t.rollback();
    expect(await read('accounts', 'rb')).toEqual({ _id: 'rb', n: 1 });
    expect(await exists('accounts', 'rb-new')).toBe(false);
    expect(await exists('accounts', 'rb-new2')).toBe(false);
    // a transaction that has ended cannot be used again
    await expect(t.commit()).rejects.toMatchObject({ code: 'DATABASE_REQUEST_FAILED' });
  });

  it('should abort the whole transaction when a unique index is violated at commit', async () => {
    await db.collection('persons').add({ data: { _id: 'person-1', idHash: 'H1' } });
    let attempts = 0;
    const err = await failure(
      runTransaction(async (t) => {
        attempts++;
        await t
          .collection('persons')
          .doc('person-2')
          .set({ data: { idHash: 'H2' } });
        await t
          .collection('checkins')
          .add({ data: { _id: 'ci-1', personId: 'person-2', date: '2024-05-01' } });
        await t
          .collection('persons')
          .doc('person-1')
          .update({ data: { name: 'changed' } });
        await t
          .collection('persons')
          .doc('person-3')
          .set({ data: { idHash: 'H1' } });
      }),
    );
    expect(messageOf(err)).toContain('duplicate key');
    expect(attempts).toBe(1); // not a conflict: no retry
    expect(await exists('persons', 'person-2')).toBe(false);
    expect(await exists('persons', 'person-3')).toBe(false);
    expect(await exists('checkins', 'ci-1')).toBe(false);
    expect(await read('persons', 'person-1')).toEqual({ _id: 'person-1', idHash: 'H1' });
  });

  it('should reject add() of an _id that exists, inside the transaction', async () => {
    await accounts$().add({ data: { _id: 'taken', n: 1 } });
    const t = await startTransaction();
    const err = await failure(t.collection('accounts').add({ data: { _id: 'taken', n: 2 } }));
    expect(messageOf(err)).toContain('duplicate key');
    await t.rollback();
    expect(await read('accounts', 'taken')).toEqual({ _id: 'taken', n: 1 });
  });
});

describe('conflicts', () => {
  it('should fail commit with DATABASE_TRANSACTION_CONFLICT when the document changed after it was read', async () => {
    await accounts$()
      .doc('c1')
      .set({ data: { n: 1 } });
    const t = await startTransaction();
    const { data } = await t.collection('accounts').doc('c1').get();
    await accounts$()
      .doc('c1')
      .update({ data: { n: _.inc(100) } });
    await t
      .collection('accounts')
      .doc('c1')
      .update({ data: { n: (data.n as number) + 1 } });
    await expect(t.commit()).rejects.toMatchObject({ code: 'DATABASE_TRANSACTION_CONFLICT' });
    expect(await read('accounts', 'c1')).toEqual({ _id: 'c1', n: 101 });
  });

  it('should see a conflict when the document was removed and added again with the same _id', async () => {
    await accounts$()
      .doc('c2')
      .set({ data: { n: 1 } });
    const t = await startTransaction();
    await t.collection('accounts').doc('c2').get();
    await accounts$().doc('c2').remove();
    await accounts$().add({ data: { _id: 'c2', n: 1, replacedBy: 'someone else' } });
    await t
      .collection('accounts')
      .doc('c2')
      .update({ data: { n: 2 } });
    await expect(t.commit()).rejects.toMatchObject({ code: 'DATABASE_TRANSACTION_CONFLICT' });
    expect(await read('accounts', 'c2')).toEqual({ _id: 'c2', n: 1, replacedBy: 'someone else' });
  });

  it('should conflict when the transaction adds an _id that someone else added first', async () => {
    const t = await startTransaction();
    await t.collection('accounts').add({ data: { _id: 'c3', by: 'transaction' } });
    await accounts$().add({ data: { _id: 'c3', by: 'outside' } });
    await expect(t.commit()).rejects.toMatchObject({ code: 'DATABASE_TRANSACTION_CONFLICT' });
    expect(await read('accounts', 'c3')).toEqual({ _id: 'c3', by: 'outside' });
  });

  it('should commit when the outside write touched another document', async () => {
    await accounts$().add({
      data: [
        { _id: 'c4', n: 1 },
        { _id: 'c5', n: 1 },
      ],
    });
    const t = await startTransaction();
    await t.collection('accounts').doc('c4').get();
    await accounts$()
      .doc('c5')
      .update({ data: { n: 7 } });
    await t
      .collection('accounts')
      .doc('c4')
      .update({ data: { n: 2 } });
    await t.commit();
    expect(await read('accounts', 'c4')).toEqual({ _id: 'c4', n: 2 });
    expect(await read('accounts', 'c5')).toEqual({ _id: 'c5', n: 7 });
  });

  it('should let runTransaction retry after a conflict and then succeed on fresh data', async () => {
    await accounts$()
      .doc('counter')
      .set({ data: { n: 1 } });
    let attempts = 0;
    const result = await runTransaction(async (t) => {
      attempts++;
      const { data } = await t.collection('accounts').doc('counter').get();
      if (attempts === 1) {
        await accounts$()
          .doc('counter')
          .update({ data: { n: _.inc(10) } });
      }
      await t
        .collection('accounts')
        .doc('counter')
        .update({ data: { n: (data.n as number) + 1 } });
      return data.n;
    });
    expect(attempts).toBe(2);
    expect(result).toBe(11);
    expect(await read('accounts', 'counter')).toEqual({ _id: 'counter', n: 12 });
  });

  it('should make runTransaction give up with the conflict when every attempt conflicts', async () => {
    await accounts$()
      .doc('hot')
      .set({ data: { n: 0 } });
    let attempts = 0;
    const err = await failure(
      runTransaction(async (t) => {
        attempts++;
        await t.collection('accounts').doc('hot').get();
        await accounts$()
          .doc('hot')
          .update({ data: { n: _.inc(1) } });
        await t
          .collection('accounts')
          .doc('hot')
          .update({ data: { n: -1 } });
      }, 2),
    );
    expect(err).toMatchObject({ code: 'DATABASE_TRANSACTION_CONFLICT' });
    expect(attempts).toBe(3);
    expect(await read('accounts', 'hot')).toEqual({ _id: 'hot', n: 3 });
  });
});

describe('what a transaction refuses', () => {
  it('should refuse where() queries inside a transaction', async () => {
    const t = await startTransaction();
    const err = await failure(t.collection('accounts').where({ n: 1 }).get());
    expect(err.errCode).toBe(-502001);
    expect(messageOf(err)).toContain('single-document');
    await t.rollback();
  });

  it('should expire a transaction left open longer than 30 seconds', async () => {
    const t = await startTransaction();
    await t
      .collection('accounts')
      .doc('late')
      .set({ data: { n: 1 } });
    env.clock.offsetMs = 31_000;
    try {
      await expect(t.commit()).rejects.toMatchObject({ code: 'DATABASE_REQUEST_FAILED' });
    } finally {
      env.clock.offsetMs = 0;
    }
    expect(await exists('accounts', 'late')).toBe(false);
  });
});
