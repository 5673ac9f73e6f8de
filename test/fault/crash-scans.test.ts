/**
 * The gate through a crash: concurrent scanners send scans, the local cloud is killed with SIGKILL in the middle,
 * every client retries what was not acknowledged with the same scanId until a restarted cloud answers. Then, from
 * the database file itself: every acknowledged scan is there exactly once — counted by the scanId the document
 * carries and by the content of the scan, not only by the primary key (which is unique by construction) — and
 * nothing else is there; each stored color and decision is the one acknowledged, and the same request sent again
 * answers `duplicate: true` with that same result; each fever scan has exactly one alert.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COLLECTIONS } from '../../cloudfunctions/_server/db/collections';
import type { AlertDoc, ScanDoc } from '../../cloudfunctions/_server/db/documents';
import { Store, parseDoc } from '../../tools/local-cloud/db/store';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { call } from '../helpers/local-cloud';
import { startLocalCloudProcess, stopLocalCloudProcess } from '../helpers/local-cloud-process';
import { report } from '../helpers/report';
import { CHANGCHUN, buildWorld, citizenWithCode, onDuty } from '../helpers/world';

interface Reply {
  scanId: string;
  duplicate: boolean;
  person: { name: string };
  color: string;
  decision: string;
}

interface Sent {
  body: Record<string, unknown>;
  openid: string;
}

/** The scans table as stored: the primary key, and the document's own fields. */
function storedRows(store: Store, collection: string): Array<{ key: string; doc: Record<string, unknown> }> {
  const rows = store.db.prepare(`SELECT id, data FROM "c_${collection}"`).all() as Array<{
    id: string;
    data: string;
  }>;
  return rows.map((row) => ({ key: row.id, doc: parseDoc(row.data) as Record<string, unknown> }));
}

/** Values that occur more than once, with their counts. */
function repeated(values: string[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return Object.fromEntries([...counts].filter(([, n]) => n > 1));
}

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

  /** What each client sent, by scanId; the first ok reply of each; the scanIds answered with an error. */
  const sentById = new Map<string, Sent>();
  const acknowledged = new Map<string, Reply>();
  const refused = new Map<string, string>();
  let sent = 0;
  let retries = 0;
  let stop = false;
  const target = { url: cloud.url };

  const client = async (n: number) => {
    const scanner = scanners[n % scanners.length];
    for (let i = 0; !stop && i < 400; i++) {
      const scanId = `crash-${n}-${i}-scan`;
      const person = people[(n + i) % people.length];
      // each client its own temperatures, so that no two scans have the same content
      const body = {
        action: 'record',
        positionId: scanner.id,
        scanId,
        temperature: (i % 7 === 0 ? 38.0 : 36.0) + n / 10,
        qr: person.qrAt(Date.now()),
        location: CHANGCHUN,
      };
      sent++;
      sentById.set(scanId, { body, openid: scanner.openid });
      // retry with the same scanId until some cloud answers
      for (let attempt = 0; ; attempt++) {
        try {
          const reply = await call<Reply>(target, 'scan', body, scanner.openid);
          if (reply.body.ok) acknowledged.set(scanId, reply.body.data!);
          else refused.set(scanId, String(reply.body.error?.code));
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

  // every acknowledged scan sent again, whatever the first answer said: the first result, marked duplicate
  const mismatched: string[] = [];
  for (const [scanId, first] of acknowledged) {
    const { body, openid } = sentById.get(scanId)!;
    const again = await call<Reply>(target, 'scan', body, openid);
    const expected = { ...first, duplicate: true };
    if (!again.body.ok || JSON.stringify({ ...again.body.data }) !== JSON.stringify(expected)) {
      if (mismatched.length < 10)
        mismatched.push(`${scanId}: first ${JSON.stringify(first)}, again ${JSON.stringify(again.body)}`);
    }
  }
  await stopLocalCloudProcess(cloud.child, 'SIGTERM');
  expect(mismatched).toEqual([]);

  const store = new Store(join(dataDir, 'cloud.db'), COLLECTIONS);
  try {
    expect(store.integrityCheck()).toBe('ok');
    // every scan sent was answered (the clients retried until one was), and no refusal wrote anything
    expect(acknowledged.size + refused.size).toBe(sent);
    expect(refused.size).toBe(0);

    // the scans as stored: every row, not only those whose key looks like a crash scan
    const rows = storedRows(store, 'scans');
    const scans = rows.map((r) => r.doc as unknown as ScanDoc);
    // the scanId each document carries is its key
    expect(rows.filter((r) => r.doc._id !== r.key).map((r) => r.key)).toEqual([]);
    // exactly the acknowledged scans, each once: as many documents as distinct acknowledged scanIds
    expect(repeated(scans.map((s) => s._id))).toEqual({});
    expect(scans.length).toBe(acknowledged.size);
    expect(store.count('scans')).toBe(acknowledged.size);
    expect(scans.filter((s) => !acknowledged.has(s._id)).map((s) => s._id)).toEqual([]);
    expect([...acknowledged.keys()].filter((id) => !store.get('scans', id))).toEqual([]);
    // and no scan written twice under another id: no two documents hold the same scan
    const content = (s: ScanDoc) =>
      JSON.stringify([s.positionId, s.personId, s.qr?.step, s.temperature, new Date(s.scannedAt).getTime()]);
    expect(repeated(scans.map(content))).toEqual({});

    // what was acknowledged is what was stored, and what the request asked for
    const differing = scans
      .filter((s) => {
        const ack = acknowledged.get(s._id)!;
        const body = sentById.get(s._id)!.body;
        return (
          s.color !== ack.color ||
          s.decision !== ack.decision ||
          s.masked.name !== ack.person.name ||
          s.temperature !== body.temperature ||
          s.positionId !== body.positionId ||
          s.fever !== (body.temperature as number) >= 37.3
        );
      })
      .map(
        (s) =>
          `${s._id}: stored ${s.color}/${s.decision}, acknowledged ${JSON.stringify(acknowledged.get(s._id))}`,
      );
    expect(differing).toEqual([]);

    // alerts, counted by the scanId they carry: exactly one for each fever (or non-green) scan, none otherwise
    const alerts = storedRows(store, 'alerts').map((r) => ({
      key: r.key,
      doc: r.doc as unknown as AlertDoc,
    }));
    expect(alerts.filter((a) => a.doc.scanId !== a.key || a.doc._id !== a.key).map((a) => a.key)).toEqual([]);
    expect(repeated(alerts.map((a) => String(a.doc.scanId)))).toEqual({});
    const alerting = scans
      .filter((s) => s.fever || s.replayed || ['yellow', 'orange', 'red'].includes(s.color))
      .map((s) => s._id)
      .sort();
    expect(alerts.map((a) => String(a.doc.scanId)).sort()).toEqual(alerting);
    const feverScans = scans.filter((s) => s.fever);
    // a retry of a scan that the killed cloud had written answers as a duplicate: the client still gets its result
    const answeredAsDuplicate = [...acknowledged.values()].filter((a) => a.duplicate).length;
    expect(feverScans.length).toBeGreaterThan(0);

    report(
      `crash with retries: ${sent} scans sent, ${ackedBeforeKill} acknowledged before SIGKILL, ${acknowledged.size} in all, ${retries} retried requests, ${scans.length} stored, ${alerts.length} alerts (${feverScans.length} fever scans), ${answeredAsDuplicate} first answered as duplicates after the restart, ${acknowledged.size} sent again → duplicate`,
    );
    expect(ackedBeforeKill).toBeGreaterThan(20);
    expect(acknowledged.size).toBeGreaterThan(ackedBeforeKill);
  } finally {
    store.close();
  }
}, 120_000);
