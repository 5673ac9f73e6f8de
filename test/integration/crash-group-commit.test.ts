/**
 * Group commit through SIGKILL: many clients write at once, so that the local cloud commits their writes in shared
 * groups, and half of them move money between a few accounts in engine transactions (two updates and a record of
 * the transfer, contended, so that conflicts are retried). The process is killed in the middle. From the file
 * after a restart: every acknowledged write and transfer is there, nothing else beyond the one request per client
 * in flight at the kill, no transfer is there in part (each account's balance is what the transfers on record
 * made it, and the total is unchanged), and SQLite's integrity check is clean.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COLLECTIONS } from '../../cloudfunctions/_server/db/collections';
import { Store, parseDoc } from '../../tools/local-cloud/db/store';
import { FIXTURE_FUNCTIONS, call } from '../helpers/local-cloud';
import { startLocalCloudProcess, stopLocalCloudProcess } from '../helpers/local-cloud-process';
import { report } from '../helpers/report';

const ACCOUNTS = ['acct-0', 'acct-1', 'acct-2', 'acct-3'];
const OPENING_BALANCE = 1000;
const WRITERS = 8;
const TRANSFERRERS = 8;

it('should keep every acknowledged write and whole transfers only through SIGKILL, with groups shared', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'jxm-crash-group-'));
  const cloud = await startLocalCloudProcess({
    JXM_PORT: '0',
    JXM_DATA_DIR: dataDir,
    JXM_FUNCTIONS_DIR: FIXTURE_FUNCTIONS,
    JXM_BOOTSTRAP_OPENID: '',
  });
  const opened = await call(cloud, 'probe', {
    action: 'openAccounts',
    ids: ACCOUNTS,
    balance: OPENING_BALANCE,
  });
  expect(opened.body.ok).toBe(true);

  const acknowledged = { writes: new Set<string>(), transfers: new Set<string>() };
  const sent = new Set<string>();
  let failedTransfers = 0;
  let killed = false;
  const writer = async (n: number) => {
    for (let i = 0; !killed; i++) {
      const id = `w${n}-${i}`;
      sent.add(id);
      try {
        const reply = await call<{ id: string }>(cloud, 'probe', { action: 'write', id });
        if (reply.body.ok) acknowledged.writes.add(reply.body.data!.id);
      } catch {
        return; // the process died with this request in flight
      }
    }
  };
  const transferrer = async (n: number) => {
    for (let i = 0; !killed; i++) {
      const id = `t${n}-${i}`;
      const from = ACCOUNTS[(n + i) % ACCOUNTS.length];
      const to = ACCOUNTS[(n + 2 * i + 1) % ACCOUNTS.length];
      if (from === to) continue;
      sent.add(id);
      try {
        const reply = await call<{ id: string }>(cloud, 'probe', { action: 'transfer', id, from, to });
        if (reply.body.ok) acknowledged.transfers.add(reply.body.data!.id);
        else failedTransfers++;
      } catch {
        return;
      }
    }
  };
  const clients = [
    ...Array.from({ length: WRITERS }, (_, n) => writer(n)),
    ...Array.from({ length: TRANSFERRERS }, (_, n) => transferrer(n)),
  ];
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const killing = stopLocalCloudProcess(cloud.child, 'SIGKILL');
  killed = true;
  await killing;
  await Promise.all(clients);
  expect(acknowledged.writes.size).toBeGreaterThan(20);
  expect(acknowledged.transfers.size).toBeGreaterThan(10);

  // recovery happens on open, as at the next start
  const store = new Store(join(dataDir, 'cloud.db'), COLLECTIONS);
  try {
    expect(store.integrityCheck()).toBe('ok');
    const rows = (
      store.db.prepare('SELECT id, data FROM "c_audit"').all() as Array<{ id: string; data: string }>
    ).map((row) => ({ key: row.id, doc: parseDoc(row.data) as Record<string, unknown> }));
    const byKind = (kind: string) => rows.filter((r) => r.doc.kind === kind);
    const writes = byKind('probe').map((r) => r.key);
    const transfers = byKind('transfer').map((r) => r.doc as { _id: string; from: string; to: string });

    // every acknowledged write and transfer, nothing never sent, at most the one per client in flight
    expect([...acknowledged.writes].filter((id) => !writes.includes(id))).toEqual([]);
    expect([...acknowledged.transfers].filter((id) => !transfers.some((t) => t._id === id))).toEqual([]);
    expect([...writes, ...transfers.map((t) => t._id)].filter((id) => !sent.has(id))).toEqual([]);
    expect(writes.length).toBeLessThanOrEqual(acknowledged.writes.size + WRITERS);
    expect(transfers.length).toBeLessThanOrEqual(acknowledged.transfers.size + TRANSFERRERS);

    // no transfer in part: each balance is what the transfers on record made it, and money is neither made nor lost
    const balances = Object.fromEntries(
      byKind('account').map((r) => [r.key, (r.doc as { balance: number }).balance]),
    );
    const expected = Object.fromEntries(ACCOUNTS.map((id) => [id, OPENING_BALANCE]));
    for (const t of transfers) {
      expected[t.from]--;
      expected[t.to]++;
    }
    expect(balances).toEqual(expected);
    expect(Object.values(balances).reduce((a, b) => a + b, 0)).toBe(OPENING_BALANCE * ACCOUNTS.length);
    report(
      `crash with group commit: ${acknowledged.writes.size} writes and ${acknowledged.transfers.size} transfers acknowledged before SIGKILL (${failedTransfers} transfers refused after retries), ${writes.length} and ${transfers.length} on file`,
    );
  } finally {
    store.close();
  }
}, 60_000);
