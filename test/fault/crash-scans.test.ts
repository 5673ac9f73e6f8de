/**
 * The gate through a crash: concurrent scanners send scans, the local cloud is killed with SIGKILL in the middle,
 * every client retries what was not acknowledged with the same scanId until a restarted cloud answers. Every
 * acknowledged scan is there exactly once, and nothing was written twice (one scan, at most one alert per scanId).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COLLECTIONS } from '../../cloudfunctions/_server/db/collections';
import { Store } from '../../tools/local-cloud/db/store';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { call } from '../helpers/local-cloud';
import { startLocalCloudProcess, stopLocalCloudProcess } from '../helpers/local-cloud-process';
import { report } from '../helpers/report';
import { buildWorld, citizenWithCode, onDuty } from '../helpers/world';

const start = (dataDir: string, port: number) =>
  startLocalCloudProcess({
    JXM_PORT: String(port),
    JXM_DATA_DIR: dataDir,
    JXM_BOOTSTRAP_OPENID: 'crash-initiator',
  });

it('should keep every acknowledged scan exactly once through SIGKILL and client retries', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'jxm-crash-scans-'));
  let cloud = await start(dataDir, 0);
  const port = Number(new URL(cloud.url).port);
  const asCloud = cloud as unknown as LocalCloud;
  const world = await buildWorld(asCloud, 'crash-initiator', 'crash');
  await onDuty(asCloud, world.ordinary);
  await onDuty(asCloud, world.intermediate);
  const people = await Promise.all([0, 1, 2, 3].map((i) => citizenWithCode(asCloud, `crash-person-${i}`)));
  const scanners = [world.ordinary, world.intermediate];

  const acknowledged = new Map<string, string>();
  let sent = 0;
  let retries = 0;
  let stop = false;
  const target = { url: cloud.url };

  const client = async (n: number) => {
    const scanner = scanners[n % scanners.length];
    for (let i = 0; !stop && i < 400; i++) {
      const scanId = `crash-${n}-${i}-scan`;
      const person = people[(n + i) % people.length];
      const body = {
        action: 'record',
        positionId: scanner.id,
        scanId,
        temperature: i % 7 === 0 ? 38.0 : 36.5,
        qr: person.qrAt(Date.now()),
      };
      sent++;
      // retry with the same scanId until some cloud answers
      for (let attempt = 0; ; attempt++) {
        try {
          const reply = await call<{ scanId: string; decision: string }>(
            target,
            'scan',
            body,
            scanner.openid,
          );
          if (reply.body.ok) acknowledged.set(scanId, reply.body.data!.decision);
          break;
        } catch {
          retries++;
          if (attempt > 200) throw new Error(`scan ${scanId} never reached a cloud`);
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      }
    }
  };

  const clients = Array.from({ length: 6 }, (_, n) => client(n));
  await new Promise((resolve) => setTimeout(resolve, 1200));
  await stopLocalCloudProcess(cloud.child, 'SIGKILL');
  const ackedBeforeKill = acknowledged.size;
  // the same port, so that the clients' retries reach the restarted cloud
  cloud = await start(dataDir, port);
  await new Promise((resolve) => setTimeout(resolve, 800));
  stop = true;
  await Promise.all(clients);
  await stopLocalCloudProcess(cloud.child, 'SIGTERM');

  const store = new Store(join(dataDir, 'cloud.db'), COLLECTIONS);
  try {
    expect(store.integrityCheck()).toBe('ok');
    const missing = [...acknowledged.keys()].filter((id) => !store.get('scans', id));
    expect(missing).toEqual([]);
    const crashScans = store.find('scans', { _id: { $regex: /^crash-/ } }).docs;
    expect(new Set(crashScans.map((s) => s._id)).size).toBe(crashScans.length);
    const alerts = store.find('alerts', { _id: { $regex: /^crash-/ } }).docs;
    expect(new Set(alerts.map((a) => a._id)).size).toBe(alerts.length);
    // every fever scan that landed has its alert
    const feverScans = crashScans.filter((s) => (s as unknown as { fever: boolean }).fever).map((s) => s._id);
    expect(feverScans.every((id) => alerts.some((a) => a._id === id))).toBe(true);
    report(
      `crash with retries: ${sent} scans sent, ${ackedBeforeKill} acknowledged before SIGKILL, ${acknowledged.size} in all, ${retries} retried requests, ${crashScans.length} stored`,
    );
    expect(ackedBeforeKill).toBeGreaterThan(20);
    expect(acknowledged.size).toBeGreaterThan(ackedBeforeKill);
  } finally {
    store.close();
  }
}, 120_000);
