/**
 * Durability of the local cloud: a stream of acknowledged writes from concurrent clients, SIGKILL in the middle,
 * then every acknowledged write is found after a restart and SQLite's integrity check is clean.
 */
import { report } from '../helpers/report';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COLLECTIONS } from '../../cloudfunctions/_server/db/collections';
import { Store } from '../../tools/local-cloud/db/store';
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
  const acknowledged = new Set<string>();
  let killed = false;

  const client = async (n: number) => {
    for (let i = 0; !killed; i++) {
      const id = `c${n}-${i}`;
      try {
        const reply = await call<{ id: string }>({ url: first.url }, 'probe', { action: 'write', id });
        if (reply.body.ok) acknowledged.add(reply.body.data!.id);
      } catch {
        return; // the connection died with the process: this write was never acknowledged
      }
    }
  };
  const clients = Array.from({ length: 6 }, (_, n) => client(n));
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const killing = stopLocalCloudProcess(first.child, 'SIGKILL');
  killed = true;
  await killing;
  await Promise.all(clients);
  expect(acknowledged.size).toBeGreaterThan(50);
  report(`crash test: ${acknowledged.size} writes acknowledged before SIGKILL`);

  const second = await startProcess(dataDir);
  try {
    const count = await call<{ total: number }>({ url: second.url }, 'probe', {
      action: 'count',
      kind: 'probe',
    });
    expect(count.body.data!.total).toBeGreaterThanOrEqual(acknowledged.size);
  } finally {
    await stopLocalCloudProcess(second.child, 'SIGTERM');
  }

  const store = new Store(join(dataDir, 'cloud.db'), COLLECTIONS);
  try {
    expect(store.integrityCheck()).toBe('ok');
    const missing = [...acknowledged].filter((id) => !store.get('audit', id));
    expect(missing).toEqual([]);
  } finally {
    store.close();
  }
});
