/**
 * Durability of the local cloud: a stream of acknowledged writes from concurrent clients, SIGKILL in the middle,
 * then every acknowledged write is found after a restart, exactly once, and SQLite's integrity check is clean.
 * Written documents are counted from the file by the id each one carries (not only by the primary key, which is
 * unique by construction): nothing is there twice, nothing that no client sent, and at most one write per client
 * beyond those acknowledged (the one in flight when the process died).
 */
import { report } from '../helpers/report';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COLLECTIONS } from '../../cloudfunctions/_server/db/collections';
import { Store, parseDoc } from '../../tools/local-cloud/db/store';
import { FIXTURE_FUNCTIONS, call } from '../helpers/local-cloud';
import { startLocalCloudProcess, stopLocalCloudProcess } from '../helpers/local-cloud-process';

const startProcess = (dataDir: string) =>
  startLocalCloudProcess({
    JXM_PORT: '0',
    JXM_DATA_DIR: dataDir,
    JXM_FUNCTIONS_DIR: FIXTURE_FUNCTIONS,
    JXM_BOOTSTRAP_OPENID: '',
  });

it('keeps every acknowledged write through SIGKILL, with a clean integrity check', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'jxm-crash-'));
  const first = await startProcess(dataDir);
  const CLIENTS = 6;
  const acknowledged = new Set<string>();
  const sent = new Set<string>();
  let killed = false;

  const client = async (n: number) => {
    for (let i = 0; !killed; i++) {
      const id = `c${n}-${i}`;
      sent.add(id);
      try {
        const reply = await call<{ id: string }>({ url: first.url }, 'probe', { action: 'write', id });
        if (reply.body.ok) acknowledged.add(reply.body.data!.id);
      } catch {
        return; // the connection died with the process: this write was never acknowledged
      }
    }
  };
  const clients = Array.from({ length: CLIENTS }, (_, n) => client(n));
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const killing = stopLocalCloudProcess(first.child, 'SIGKILL');
  killed = true;
  await killing;
  await Promise.all(clients);
  expect(acknowledged.size).toBeGreaterThan(50);
  report(`crash test: ${acknowledged.size} writes acknowledged before SIGKILL`);

  const second = await startProcess(dataDir);
  let counted: number;
  try {
    const count = await call<{ total: number }>({ url: second.url }, 'probe', {
      action: 'count',
      kind: 'probe',
    });
    counted = count.body.data!.total;
  } finally {
    await stopLocalCloudProcess(second.child, 'SIGTERM');
  }

  const store = new Store(join(dataDir, 'cloud.db'), COLLECTIONS);
  try {
    expect(store.integrityCheck()).toBe('ok');
    const missing = [...acknowledged].filter((id) => !store.get('audit', id));
    expect(missing).toEqual([]);
    // the rows as stored, each with the id its document carries
    const rows = (
      store.db.prepare('SELECT id, data FROM "c_audit"').all() as Array<{ id: string; data: string }>
    ).map((row) => ({ key: row.id, doc: parseDoc(row.data) as { _id: unknown; kind?: unknown } }));
    const probes = rows.filter((r) => r.doc.kind === 'probe');
    expect(probes.filter((r) => r.doc._id !== r.key).map((r) => r.key)).toEqual([]);
    const perId = new Map<string, number>();
    for (const r of probes) perId.set(String(r.doc._id), (perId.get(String(r.doc._id)) ?? 0) + 1);
    expect([...perId].filter(([, n]) => n > 1)).toEqual([]);
    expect([...perId.keys()].filter((id) => !sent.has(id))).toEqual([]);
    // every acknowledged write, and at most the one write per client that was in flight at the kill
    expect(probes.length).toBeGreaterThanOrEqual(acknowledged.size);
    expect(probes.length).toBeLessThanOrEqual(acknowledged.size + CLIENTS);
    expect(counted).toBe(probes.length);
  } finally {
    store.close();
  }
});
