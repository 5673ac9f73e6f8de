/**
 * The typed repository of cloudfunctions/_server/db/repository.ts over the real wx-server-sdk on the embedded
 * database: what each method answers (a missing document, the order of `first`, the default limit, the counts of
 * updates and removals) and how a unique index's refusal comes back (false, nothing written) while any other failure
 * still throws.
 */
import { audit, auditRow as rowOfAudit } from '../../cloudfunctions/_server/audit';
import type { CloudDatabase } from '../../cloudfunctions/_server/cloud';
import type { AuditDoc } from '../../cloudfunctions/_server/db/documents';
import { isDuplicateKeyError, Repository, type Identified } from '../../cloudfunctions/_server/db/repository';
import type { SystemContext } from '../../cloudfunctions/_server/router';
import { openEmbeddedDb, type EmbeddedDb } from '../helpers/embedded-db';

let env: EmbeddedDb;
let db: CloudDatabase;

beforeAll(() => {
  env = openEmbeddedDb();
  for (const name of ['audit', 'checkins']) env.store.createCollection(name);
  db = env.db as unknown as CloudDatabase;
});

afterAll(() => env.store.close());

const T0 = Date.UTC(2026, 11, 1, 2, 0, 0);

/** A daily check-in: one per person and day (the unique index personId_date). */
interface CheckinDoc extends Identified {
  personId: string;
  date: string;
  at: Date;
}

const checkin = (id: string, personId: string, date: string): CheckinDoc => ({
  _id: id,
  personId,
  date,
  at: new Date(T0),
});

const auditRow = (id: string, minutes: number, action = 'reveal'): AuditDoc => ({
  _id: id,
  at: new Date(T0 + minutes * 60_000),
  action,
  actorPositionId: null,
  actorOpenid: 'o-admin',
  target: null,
  reason: null,
  details: {},
});

/** A database whose every write fails as a network would: not a refusal by an index. */
const unreachable = {
  collection: () => ({
    add: async () => {
      throw Object.assign(new Error('request timeout'), { errCode: -1 });
    },
  }),
} as unknown as CloudDatabase;

const audits = () => new Repository<AuditDoc>(db, 'audit');

/** Audit rows `[id, minutes after T0]`, inserted one after the other in the order given. */
async function insertAudits(rows: Array<[string, number]>, action?: string): Promise<void> {
  for (const [id, minutes] of rows) await audits().insert(auditRow(id, minutes, action));
}

describe('reading', () => {
  // inserted out of date order, so that the collection's own order is not the one asked for
  beforeAll(() =>
    insertAudits([
      ['r-a', 10],
      ['r-b', 30],
      ['r-c', 20],
    ]),
  );

  it('get answers the document, or null for a missing one', async () => {
    expect((await audits().get('r-b'))?.at).toEqual(new Date(T0 + 30 * 60_000));
    expect(await audits().get('r-none')).toBeNull();
  });

  it('first answers the first in the order asked for, or null', async () => {
    expect((await audits().first({ action: 'reveal' }, [['at', 'desc']]))?._id).toBe('r-b');
    expect((await audits().first({ action: 'reveal' }, [['at', 'asc']]))?._id).toBe('r-a');
    expect(await audits().first({ action: 'nothing' }, [['at', 'desc']])).toBeNull();
  });

  it('find answers at most 100 without a limit, and the limit asked for', async () => {
    await Promise.all(
      Array.from({ length: 101 }, (_unused, i) => audits().insert(auditRow(`many-${i}`, 100 + i, 'bulk'))),
    );
    expect(await audits().find({ action: 'bulk' })).toHaveLength(100);
    const three = await audits().find({ action: 'bulk' }, { orderBy: [['at', 'desc']], limit: 3 });
    expect(three.map((row) => row._id)).toEqual(['many-100', 'many-99', 'many-98']);
  });
});

describe('a unique index', () => {
  const checkins = () => new Repository<CheckinDoc>(db, 'checkins');
  const daysOf = async (personId: string) =>
    (await checkins().find({ personId }, { orderBy: [['date', 'asc']] })).map((row) => row.date);

  it('insertUnique: true when written; false, with nothing written, for a key already held', async () => {
    expect(await checkins().insertUnique(checkin('c-1', 'p-1', '2026-12-01'))).toBe(true);
    expect(await checkins().insertUnique(checkin('c-2', 'p-1', '2026-12-01'))).toBe(false);
    expect(await checkins().insertUnique(checkin('c-3', 'p-1', '2026-12-02'))).toBe(true);
    expect(await daysOf('p-1')).toEqual(['2026-12-01', '2026-12-02']);
    expect(await checkins().get('c-2')).toBeNull();
  });

  it('insertManyUnique: true for none or all written; false when one key was already held', async () => {
    expect(await checkins().insertManyUnique([])).toBe(true);
    expect(await daysOf('p-2')).toEqual([]);
    expect(
      await checkins().insertManyUnique([
        checkin('m-1', 'p-2', '2026-12-01'),
        checkin('m-2', 'p-2', '2026-12-02'),
      ]),
    ).toBe(true);
    expect(await daysOf('p-2')).toEqual(['2026-12-01', '2026-12-02']);
    expect(await checkins().insertManyUnique([checkin('m-3', 'p-2', '2026-12-02')])).toBe(false);
    expect(await daysOf('p-2')).toEqual(['2026-12-01', '2026-12-02']);
  });

  it('any other failure still throws, from either insert', async () => {
    const offline = new Repository<CheckinDoc>(unreachable, 'checkins');
    await expect(offline.insertUnique(checkin('x-1', 'p-3', '2026-12-01'))).rejects.toThrow(
      'request timeout',
    );
    await expect(offline.insertManyUnique([checkin('x-2', 'p-3', '2026-12-01')])).rejects.toThrow(
      'request timeout',
    );
  });

  it('is recognised by the message WeChat Cloud gives it, and nothing else is', () => {
    expect(isDuplicateKeyError(new Error('[FailedOperation] E11000 duplicate key error collection: x'))).toBe(
      true,
    );
    expect(isDuplicateKeyError({ message: 'Duplicate Key' })).toBe(true);
    for (const other of [undefined, null, 'E11000', new Error('timeout'), { errMsg: 'E11000' }, {}])
      expect(isDuplicateKeyError(other)).toBe(false);
  });
});

describe('writing', () => {
  beforeAll(() =>
    insertAudits(
      [
        ['w-a', 1],
        ['w-b', 2],
        ['w-c', 3],
      ],
      'write',
    ),
  );

  it('update answers how many documents changed: 1, or 0 for a missing one', async () => {
    expect(await audits().update('w-a', { details: { note: 'checked' } })).toBe(1);
    expect((await audits().get('w-a'))?.details).toEqual({ note: 'checked' });
    expect(await audits().update('w-none', { details: { note: 'x' } })).toBe(0);
  });

  it('updateWhere and removeWhere answer how many documents they changed', async () => {
    const late = { action: 'write', at: db.command.gte(new Date(T0 + 2 * 60_000)) };
    expect(await audits().updateWhere(late, { details: { late: true } })).toBe(2);
    expect(await audits().removeWhere(late)).toBe(2);
    expect((await audits().find({ action: 'write' })).map((row) => row._id)).toEqual(['w-a']);
    expect(await audits().removeWhere({ action: 'nothing' })).toBe(0);
  });

  it('set replaces a document whole, or creates it', async () => {
    const { _id: _unused, ...content } = auditRow('w-a', 9, 'replaced');
    await audits().set('w-a', content);
    const replaced = await audits().get('w-a');
    expect(replaced?.action).toBe('replaced');
    expect(replaced?.details).toEqual({});
    await audits().set('w-new', content);
    expect((await audits().get('w-new'))?.at).toEqual(new Date(T0 + 9 * 60_000));
  });
});

describe('the audit trail', () => {
  it('writes a row on its own, at the request’s time, with no details unless given', async () => {
    const ctx = { db, now: new Date(T0 + 3600_000) } as SystemContext;
    const entry = {
      action: 'reveal_refused',
      actorPositionId: 'pos-1',
      actorOpenid: 'o-1',
      target: 'scan-1',
      reason: null,
    };
    await audit(ctx, entry);
    await audit(ctx, { ...entry, details: { level: 'senior' } });
    const rows = await audits().find({ action: 'reveal_refused' });
    expect(rows.map(({ _id, ...row }) => row)).toEqual([
      { ...entry, at: ctx.now, details: {} },
      { ...entry, at: ctx.now, details: { level: 'senior' } },
    ]);
    expect(new Set(rows.map((row) => row._id)).size).toBe(2);
  });

  it('makes the row to write in the action’s own transaction, each with an id of its own', () => {
    const ctx = { db, now: new Date(T0) } as SystemContext;
    const entry = {
      action: 'grant',
      actorPositionId: null,
      actorOpenid: 'o-1',
      target: null,
      reason: '核查',
    };
    const [a, b] = [rowOfAudit(ctx, entry), rowOfAudit(ctx, entry)];
    expect(a).toMatchObject({ ...entry, at: ctx.now, details: {} });
    expect(a._id).toMatch(/^[0-9a-zA-Z_-]{12,}$/);
    expect(a._id).not.toBe(b._id);
  });
});
