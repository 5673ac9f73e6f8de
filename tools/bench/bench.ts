/**
 * npm run bench — how fast the gate moves, measured through the real wx-server-sdk and the local cloud.
 *
 *   npm run bench              the full province: 200,000 persons, 20,000 positions over 5,000 sites, 1,000,000 scans
 *   npm run bench -- --quick   a tenth of it (under two minutes)
 *
 * Stored history is seeded by the documented bulk path (rows written straight into the embedded store in large
 * SQLite transactions, with their index entries, exactly as the engine would write them); everything measured
 * goes through HTTP → function → wx-server-sdk → engine, as the mini-program calls it. Figures are printed as a
 * table and written to bench/results/latest.json.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  issuePass,
  passKeysFromEnv,
  publishedKeys,
  sm2Verify,
} from '../../cloudfunctions/_server/privacy/pass';
import { hmacSha256Hex, keyRingFromEnv, unseal } from '../../cloudfunctions/_server/privacy/personal-data';
import { INITIATOR_POSITION_ID, ROOT_SITE_ID } from '../../cloudfunctions/_server/org/bootstrap';
import { regionPrefix } from '../../miniprogram/core/regions';
import type { Doc } from '../local-cloud/db/store';
import { checkCode, parseCode, renderCode } from '../../miniprogram/core/dynamic-code';
import { checkPass, parseScannedCode } from '../../miniprogram/core/signed-pass';
import { decideOffline } from '../../miniprogram/scanner/core/offline-gate';
import { REPO_ROOT, startLocalCloud, type LocalCloud } from '../local-cloud/local-cloud';
import { filterLines, timeFilters, type FilterFigures } from './filters';
import { RoundTrips, type TripFigures } from './round-trips';
import { cpuOf, runGateClients, type GateRunResult } from './gate-clients';
import { AT_GATE, must, openGates, post } from './gates';
import { FULL, QUICK, benchRegionOf, seedPersons, seedScans, seedTree, syntheticIdentity } from './seed';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const SIZE = quick ? QUICK : FULL;
const LIVE_SCANS = quick ? 500 : 2000;
/**
 * Scans before the measured ones: V8's optimising compiler is still at work after a few hundred (the threads other
 * than the local cloud's and the clients' took 0.36–0.55 ms a scan after 400 warm-up scans, 0.25–0.29 ms after
 * 6,000), and a gate's server runs for hours.
 */
const WARM_UP_SCANS = 6000;
const CONCURRENT_CLIENTS = 8;
const INITIATOR = 'bench-initiator';
/** Production's network time per database round trip (5–20 ms in WeChat Cloud), simulated for one part. */
const TRIP_DELAY_MS = 10;

/** A records list read page after page (20 a page, up to 50 pages): the first page's time and the last one's. */
async function timePages(cloud: LocalCloud, body: Record<string, unknown>, openid: string) {
  const timings: number[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 50; page++) {
    const t = performance.now();
    const reply: { ok: boolean; data?: { next: string | null } } = await post(
      cloud,
      'records',
      { ...body, limit: 20, ...(cursor ? { cursor } : {}) },
      openid,
    );
    timings.push(performance.now() - t);
    if (!reply.ok) throw new Error(`records.${String(body.action)} failed: ${JSON.stringify(reply)}`);
    cursor = reply.data?.next ?? null;
    if (!cursor) break;
  }
  return {
    firstPageMs: Math.round(timings[0] * 100) / 100,
    page50Ms: Math.round(timings[timings.length - 1] * 100) / 100,
    pages: timings.length,
  };
}

type Stats = { n: number; medianMs: number; p95Ms: number; p99Ms: number; maxMs: number; perSecond: number };
type ScanStats = Stats &
  Pick<
    GateRunResult,
    'serverBusyUsPerScan' | 'processCpuUsPerScan' | 'cpuCeilingPerSecond' | 'cpuByThreadUsPerScan'
  >;

function scanStats(run: GateRunResult): ScanStats {
  return {
    ...summarise(run.samples, run.wallMs),
    serverBusyUsPerScan: run.serverBusyUsPerScan,
    processCpuUsPerScan: run.processCpuUsPerScan,
    cpuCeilingPerSecond: run.cpuCeilingPerSecond,
    cpuByThreadUsPerScan: run.cpuByThreadUsPerScan,
  };
}

function summarise(samples: number[], wallMs: number): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    n: samples.length,
    medianMs: round(at(0.5)),
    p95Ms: round(at(0.95)),
    p99Ms: round(at(0.99)),
    maxMs: round(sorted[sorted.length - 1]),
    perSecond: Math.round((samples.length / wallMs) * 1000),
  };
}

function progress(label: string, done: number, total: number): void {
  if (!process.stdout.isTTY && done !== total && done % Math.ceil(total / 10) !== 0) return;
  const width = 30;
  const filled = Math.round((done / total) * width);
  process.stdout.write(
    `\r  ${label.padEnd(28)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`,
  );
  if (done === total) process.stdout.write('\n');
}

/** Durable single-row inserts (one transaction each, synchronous=FULL): the floor under every write. */
function rawSqliteInsertRate(cloud: LocalCloud): number {
  const db = cloud.store.db;
  db.exec('CREATE TABLE IF NOT EXISTS bench_raw (id INTEGER PRIMARY KEY, data TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO bench_raw (data) VALUES (?)');
  const payload = JSON.stringify({ scopeAncestors: ['a', 'b', 'c', 'd'], temperature: 36.5, color: 'green' });
  const n = quick ? 2000 : 5000;
  const started = performance.now();
  for (let i = 0; i < n; i++) db.transaction(() => insert.run(payload))();
  const rate = Math.round(n / ((performance.now() - started) / 1000));
  db.exec('DROP TABLE bench_raw');
  return rate;
}

/**
 * A fixed piece of CPU work — JSON and SHA-256 over a scan-sized document, 20,000 times — in ms (the median of five,
 * after one to warm up): the machine's speed at that moment. On a shared machine it moves between hours as the scans'
 * rate does, so compare the rates of two runs only where their references agree.
 */
function cpuReferenceMs(): number {
  const doc = {
    _id: 'scan-0000000000ab-abcdefabcdef',
    scopeAncestors: [
      'root-aaaaaaaaaaaaaaaa',
      'senior-bbbbbbbbbbbbbbbb',
      'mid-cccccccccccccccc',
      'ord-dddddddddd',
    ],
    site: { id: 'site-00001', name: '某某超市' },
    temperature: 36.5,
    color: 'green',
    masked: { name: '李*', idNumber: '2201**********1234' },
    qr: { codeId: '1000000000000192', step: 59872225 },
  };
  const times: number[] = [];
  for (let round = 0; round < 6; round++) {
    const started = performance.now();
    for (let i = 0; i < 20_000; i++) {
      const text = JSON.stringify({ ...doc, i });
      JSON.parse(text);
      createHash('sha256').update(text).digest();
    }
    if (round > 0) times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[2] * 10) / 10;
}

/** The mini-program's package sizes as WeChat counts them (tools/ci/size.js), or why they are missing. */
function miniprogramSizes(): unknown {
  const run = spawnSync(process.execPath, [join(REPO_ROOT, 'tools', 'ci', 'size.js')], { encoding: 'utf8' });
  try {
    return JSON.parse(readFileSync(join(REPO_ROOT, 'bench', 'results', 'size.json'), 'utf8'));
  } catch {
    return { error: `npm run size failed: ${(run.stderr || run.stdout).slice(0, 200)}` };
  }
}

/** A function's time per call, `n` calls one after another (after a few to warm up). */
function timeEach(n: number, run: (i: number) => void): Stats {
  for (let i = 0; i < 5; i++) run(i);
  const samples: number[] = [];
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    run(i);
    samples.push(performance.now() - t);
  }
  return summarise(samples, performance.now() - started);
}

/**
 * The signed pass (API.md 2.3): signing one pass, as every citizen.code does (sm-crypto, node:crypto's nonce), and
 * verifying one — as scan.record checks a JXM2 code (sm-crypto) and as the scanner decides offline (the whole
 * decision with WeChat's miniprogram-sm-crypto; here on Node, a phone is slower). The target: verify under 30 ms.
 */
function signedPassFigures() {
  const ring = passKeysFromEnv();
  const keys = publishedKeys(ring, new Date());
  const n = quick ? 100 : 300;
  const seedUntil = Date.now() + 7 * 86_400_000;
  const passes = Array.from({ length: n + 5 }, (_, i) =>
    issuePass(
      ring,
      { codeId: (0x1000000000000000 + i).toString(16), color: 'green', maskedName: '张*' },
      new Date(),
      seedUntil,
    )!,
  );
  const qrs = passes.map((pass, i) => {
    const codeId = (0x1000000000000000 + i).toString(16);
    return `JXM2${renderCode(hmacSha256Hex, { codeId, seed: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=' }, Date.now()).slice(4)}.${pass}`;
  });
  const passSign = timeEach(n, (i) =>
    issuePass(
      ring,
      { codeId: (0x2000000000000000 + i).toString(16), color: 'green', maskedName: '张*' },
      new Date(),
      seedUntil,
    ),
  );
  const passVerifyServer = timeEach(n, (i) => {
    const code = parseScannedCode(qrs[i]);
    if (code?.version !== 2 || checkPass(code, keys, sm2Verify) !== 'ok')
      throw new Error('a pass did not verify');
  });
  const passVerifyScanner = timeEach(n, (i) => {
    if (decideOffline(qrs[i], 36.5, keys, Date.now())?.decision !== 'allow')
      throw new Error('a pass was refused');
  });
  return {
    passSign,
    passVerifyServer,
    passVerifyScanner,
    passVerifyTargetMs: 30,
    passQrCharacters: qrs[0].length,
  };
}

/** The bench's own output; the functions' log lines (console) are dropped so the table stays readable. */
const out = (line: string) => process.stdout.write(line + '\n');

async function main(): Promise<void> {
  for (const method of ['log', 'info', 'warn', 'error'] as const) console[method] = () => undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'jxm-bench-'));
  out(
    `吉祥码 bench${quick ? ' (quick)' : ''}: ${JSON.stringify(SIZE)}, ${LIVE_SCANS} live scans, data in ${dataDir}`,
  );
  const cloud = await startLocalCloud({ dataDir, port: 0, bootstrapOpenid: INITIATOR, timers: false });
  const results: Record<string, unknown> = {
    at: new Date().toISOString(),
    machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
    province: SIZE,
  };
  try {
    let t = performance.now();
    const province = seedPersons(cloud, SIZE.persons, progress);
    const personsPerSecond = Math.round(SIZE.persons / ((performance.now() - t) / 1000));
    const tree = seedTree(cloud, SIZE, progress);
    t = performance.now();
    seedScans(cloud, SIZE.scans, SIZE.persons, tree, progress);
    results.seeding = {
      personsPerSecond,
      scansPerSecond: Math.round(SIZE.scans / ((performance.now() - t) / 1000)),
    };

    // live sites and their scanners, built through the API: one senior per site (API.md v1.1), one gate each
    const scanners = await openGates(cloud, CONCURRENT_CLIENTS, INITIATOR, progress);
    // a queue at each gate: every scan a person of the province not scanned yet in the run (the same QR step at two
    // sites is a replay, and every replay raises an alert: not the mix of a gate); one crowd for the single gate,
    // another for the eight gates
    const citizens = province.slice(0, LIVE_SCANS);
    const atEightGates = province.slice(LIVE_SCANS, 2 * LIVE_SCANS);
    // a server that has been scanning a while (its code compiled, its statements prepared), with people of its own
    await runGateClients({
      url: cloud.url,
      gates: scanners,
      crowd: province.slice(2 * LIVE_SCANS, 2 * LIVE_SCANS + WARM_UP_SCANS),
      scans: WARM_UP_SCANS,
      label: 'warm-up',
    });

    const cpuBefore = cpuReferenceMs();
    // the realistic mix at a gate (gate-clients.ts), sent from a thread of its own: one gate, then eight together
    const oneGate = await runGateClients(
      { url: cloud.url, gates: scanners.slice(0, 1), crowd: citizens, scans: LIVE_SCANS, label: 'live-1' },
      (done) => progress('scan.record 1 client', done, LIVE_SCANS),
    );
    results.scanRecordSequential = scanStats(oneGate);
    const eightGates = await runGateClients(
      { url: cloud.url, gates: scanners, crowd: atEightGates, scans: LIVE_SCANS, label: 'live-8' },
      (done) => progress(`scan.record ${CONCURRENT_CLIENTS} clients`, done, LIVE_SCANS),
    );
    results.scanRecordConcurrent = scanStats(eightGates);
    // the machine's speed just before and just after the scans (a reference apart from the scans' own CPU)
    results.machine = {
      ...(results.machine as object),
      cpuReferenceMs: { before: cpuBefore, after: cpuReferenceMs() },
    };

    // database round trips per action and case, and 1,000 rows of the list (seeded persons, all changed)
    const trips = new RoundTrips(cloud, INITIATOR);
    const listRows = (from: number, status: string) =>
      Array.from({ length: 1000 }, (_, i) => ({
        idNumber: syntheticIdentity(from + i).idNumber,
        status,
        quarantineUntil: new Date(Date.now() + 14 * 24 * 3600_000).toISOString(),
      }));
    await trips.measureAll(scanners[0], 700_000, listRows(SIZE.persons - 1000, 'close_contact'));
    results.roundTrips = trips.figures;

    // the latency production would see: the same calls with 10 ms of network per round trip
    cloud.meter.delayMs = TRIP_DELAY_MS;
    try {
      const atDelay: number[] = [];
      const started = performance.now();
      for (let k = 0; k < 100; k++) {
        const t0 = performance.now();
        const reply = await post(
          cloud,
          'scan',
          {
            action: 'record',
            positionId: scanners[0].id,
            scanId: `delay-${k}-bench`,
            temperature: 36.5,
            location: AT_GATE,
            // people the gate's mix left green (its fevers fall on every 20th, from the second)
            qr: renderCode(hmacSha256Hex, citizens[(k * 20 + 5) % citizens.length], Date.now()),
          },
          scanners[0].openid,
        );
        atDelay.push(performance.now() - t0);
        if (!reply.ok) throw new Error(`scan.record failed: ${JSON.stringify(reply.error)}`);
      }
      const scanAtDelay = summarise(atDelay, performance.now() - started);
      const pagesAtDelay = await timePages(
        cloud,
        { action: 'scans', actingPositionId: tree.sample.ordinary },
        `seed-${tree.sample.ordinary}`,
      );
      t = performance.now();
      const listed = await must<{ updated: number }>(
        cloud,
        'health',
        {
          action: 'importRiskList',
          actingPositionId: INITIATOR_POSITION_ID,
          source: 'bench at 10 ms',
          rows: listRows(SIZE.persons - 2000, 'quarantine'),
        },
        INITIATOR,
      );
      results.atTripDelay = {
        delayMs: TRIP_DELAY_MS,
        scanRecordGreen: scanAtDelay,
        recordsScansOrdinary: pagesAtDelay,
        importRiskList1000Rows: { ms: Math.round(performance.now() - t), updated: listed.updated },
      };
    } finally {
      cloud.meter.delayMs = 0;
    }

    // records.scans: first page and a deep page, for each level of the tree
    const pages: Record<string, unknown> = {};
    for (const [role, positionId] of [
      ['ordinary', tree.sample.ordinary],
      ['intermediate', tree.sample.intermediate],
      ['senior', tree.sample.senior],
      ['initiator', INITIATOR_POSITION_ID],
    ] as const) {
      const openid = role === 'initiator' ? INITIATOR : `seed-${positionId}`;
      pages[role] = await timePages(cloud, { action: 'scans', actingPositionId: positionId }, openid);
    }
    results.recordsScans = pages;

    // records.alerts of an agency (有关部门, rule 15): a city's and a district's, over the alerts of the seeded
    // fevers (one scan in 97), through the regionPrefixes index; every page, and the open ones only
    const agencies: Record<string, unknown> = {};
    const district = benchRegionOf(0);
    for (const [label, prefix] of [
      ['city', regionPrefix(district).slice(0, 4)],
      ['district', regionPrefix(district)],
    ] as const) {
      const positionId = `seed-agency-${label}`;
      cloud.store.insert('positions', {
        _id: positionId,
        role: 'agency',
        siteId: ROOT_SITE_ID,
        parentId: INITIATOR_POSITION_ID,
        ancestors: [INITIATOR_POSITION_ID],
        regionPrefix: prefix,
        holder: {
          openid: `seed-${positionId}`,
          personId: null,
          name: null,
          phone: null,
          masked: { name: '赵*', phone: '139****0000' },
        },
        status: 'active',
        disabledReason: null,
        currentInviteId: null,
        lastActiveAt: new Date(),
        createdAt: new Date(),
        updatedAt: new Date(),
      } as unknown as Doc);
      const body = { action: 'alerts', actingPositionId: positionId };
      agencies[label] = {
        region: prefix,
        alertsInRegion: cloud.store.find('alerts', { regionPrefixes: prefix }).docs.length,
        all: await timePages(cloud, body, `seed-${positionId}`),
        open: await timePages(cloud, { ...body, status: 'open' }, `seed-${positionId}`),
      };
    }
    results.recordsAlertsAgency = agencies;

    // every filter of records.scans and records.alerts, at every level, a few pages deep: each stays on its index
    const scanLevels = [
      { label: 'initiator', positionId: INITIATOR_POSITION_ID, openid: INITIATOR },
      ...(['senior', 'intermediate', 'ordinary'] as const).map((role) => ({
        label: role,
        positionId: tree.sample[role],
        openid: `seed-${tree.sample[role]}`,
      })),
    ];
    results.recordsFilters = await timeFilters(cloud, {
      scanLevels,
      alertLevels: [
        ...scanLevels,
        { label: 'city agency', positionId: 'seed-agency-city', openid: 'seed-seed-agency-city' },
        { label: 'district agency', positionId: 'seed-agency-district', openid: 'seed-seed-agency-district' },
      ],
      // the seeded scans are at the unit sites site-0 … site-49
      siteOf: { [INITIATOR_POSITION_ID]: 'site-0', [tree.sample.senior]: 'site-0' },
    });

    // citizen.code, and checking the code it draws against the stored seeds as scan.record does
    const codeTimes: number[] = [];
    const checkTimes: number[] = [];
    t = performance.now();
    const keys = keyRingFromEnv();
    for (let i = 0; i < 200; i++) {
      const openid = `seed-openid-${2 * LIVE_SCANS + WARM_UP_SCANS + i}`; // seeded citizens the gates did not scan
      let started = performance.now();
      const code = await must<{ codeId: string; seed: string }>(cloud, 'citizen', { action: 'code' }, openid);
      codeTimes.push(performance.now() - started);
      const person = cloud.store.find('persons', { codeId: code.codeId }).docs[0] as unknown as {
        seeds: Array<{ seed: string; issuedAt: Date; supersededAt: Date | null }>;
      };
      started = performance.now();
      const seeds = person.seeds.map((s) => ({ ...s, seed: unseal(keys, s.seed) }));
      const verdict = checkCode(
        hmacSha256Hex,
        parseCode(renderCode(hmacSha256Hex, code, Date.now()))!,
        seeds,
        new Date(),
      );
      checkTimes.push(performance.now() - started);
      if (!verdict.ok) throw new Error('a freshly drawn code did not check');
    }
    results.citizenCode = summarise(codeTimes, performance.now() - t);
    results.qrVerification = summarise(
      checkTimes,
      checkTimes.reduce((a, b) => a + b, 0),
    );

    // importRiskList: 10,000 rows of registered persons
    const rows = Array.from({ length: 10_000 }, (_, i) => ({
      idNumber: syntheticIdentity((i * 7) % SIZE.persons).idNumber,
      status: i % 3 === 0 ? 'confirmed' : 'close_contact',
      quarantineUntil: new Date(Date.now() + 14 * 24 * 3600_000).toISOString(),
    }));
    t = performance.now();
    // a file is sent in calls of at most 1,000 rows (API.md v1.1), as the provincial desk sends it
    const imported = { matched: 0, updated: 0, unknown: 0 };
    for (let i = 0; i < rows.length; i += 1000) {
      const batch = await must<{ matched: number; updated: number; unknown: number }>(
        cloud,
        'health',
        {
          action: 'importRiskList',
          actingPositionId: INITIATOR_POSITION_ID,
          source: 'bench',
          rows: rows.slice(i, i + 1000),
        },
        INITIATOR,
      );
      imported.matched += batch.matched;
      imported.updated += batch.updated;
      imported.unknown += batch.unknown;
    }
    results.importRiskList = { rows: rows.length, ms: Math.round(performance.now() - t), ...imported };

    // silentSweep over every position
    t = performance.now();
    const swept = (await cloud.runTimer('cron', 'silentSweep')) as { data?: { disabled: number } };
    results.silentSweep = {
      positions: SIZE.positions,
      ms: Math.round(performance.now() - t),
      disabled: swept.data?.disabled ?? 0,
    };

    const raw = rawSqliteInsertRate(cloud);
    results.rawSqliteDurableInsertsPerSecond = raw;
    const seqRate = (results.scanRecordSequential as Stats).perSecond;
    const concRate = (results.scanRecordConcurrent as Stats).perSecond;
    results.scanRecordVsRawSqlite = {
      sequential: Math.round((seqRate / raw) * 1000) / 1000,
      concurrent: Math.round((concRate / raw) * 1000) / 1000,
    };
    results.miniprogramPackages = miniprogramSizes();
    results.functionBundleBytes = Object.fromEntries(
      ['citizen', 'scan', 'org', 'records', 'health', 'cron'].map((fn) => [
        fn,
        statSync(join(REPO_ROOT, 'cloudfunctions', fn, 'index.js')).size,
      ]),
    );
  } finally {
    await cloud.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  // in-process and synchronous: after the last HTTP call (a blocked event loop would stall the client's sockets)
  Object.assign(results, signedPassFigures());

  const seq = results.scanRecordSequential as ScanStats;
  const conc = results.scanRecordConcurrent as ScanStats;
  out('\n  measure                                   median     p95      p99      rate');
  out(
    `  scan.record, 1 client                     ${seq.medianMs} ms   ${seq.p95Ms} ms  ${seq.p99Ms} ms  ${seq.perSecond}/s  (server busy ${seq.serverBusyUsPerScan} µs a scan; ${cpuOf(seq)})`,
  );
  out(
    `  scan.record, ${CONCURRENT_CLIENTS} clients                    ${conc.medianMs} ms   ${conc.p95Ms} ms  ${conc.p99Ms} ms  ${conc.perSecond}/s  (server busy ${conc.serverBusyUsPerScan} µs a scan; ${cpuOf(conc)})`,
  );
  out(
    `  raw SQLite durable inserts                                            ${results.rawSqliteDurableInsertsPerSecond}/s`,
  );
  const reference = (results.machine as { cpuReferenceMs?: { before: number; after: number } })
    .cpuReferenceMs;
  if (reference)
    out(
      `  the machine's CPU reference (fixed work)  ${reference.before} ms before the scans, ${reference.after} ms after`,
    );
  const code = results.citizenCode as Stats;
  const qr = results.qrVerification as Stats;
  out(
    `  citizen.code                              ${code.medianMs} ms   ${code.p95Ms} ms  ${code.p99Ms} ms  ${code.perSecond}/s`,
  );
  out(`  QR verification (in the function)         ${qr.medianMs} ms   ${qr.p95Ms} ms  ${qr.p99Ms} ms`);
  for (const [key, label] of [
    ['passSign', 'pass: sign (sm-crypto), per code fetch'],
    ['passVerifyServer', 'pass: verify (sm-crypto, scan.record)'],
    ['passVerifyScanner', 'pass: offline decision (miniprogram-sm-crypto)'],
  ] as const) {
    const p = results[key] as Stats;
    out(`  ${label.padEnd(48)} ${p.medianMs} ms   ${p.p95Ms} ms  ${p.p99Ms} ms  ${p.perSecond}/s`);
  }
  out('\n  database round trips per call               operations  stages  (+ sending a message)');
  for (const [label, f] of Object.entries(results.roundTrips as Record<string, TripFigures>)) {
    out(
      `  ${label.padEnd(44)} ${String(f.operations).padStart(6)}  ${String(f.stages).padStart(6)}` +
        (f.sendingOperations ? `  (+${f.sendingOperations})` : ''),
    );
  }
  const delayed = results.atTripDelay as {
    scanRecordGreen: Stats;
    recordsScansOrdinary: unknown;
    importRiskList1000Rows: unknown;
  };
  out(`\n  at ${TRIP_DELAY_MS} ms per database round trip (production's network):`);
  out(
    `  scan.record, green                        ${delayed.scanRecordGreen.medianMs} ms   ${delayed.scanRecordGreen.p95Ms} ms  ${delayed.scanRecordGreen.p99Ms} ms`,
  );
  out(`  records.scans pages (ordinary): ${JSON.stringify(delayed.recordsScansOrdinary)}`);
  out(`  importRiskList, 1,000 rows all changed: ${JSON.stringify(delayed.importRiskList1000Rows)}\n`);
  out(`  records.scans pages: ${JSON.stringify(results.recordsScans)}`);
  out(`  records.alerts of an agency: ${JSON.stringify(results.recordsAlertsAgency)}`);
  for (const line of filterLines(results.recordsFilters as FilterFigures)) out(line);
  out(`  importRiskList: ${JSON.stringify(results.importRiskList)}`);
  out(`  silentSweep: ${JSON.stringify(results.silentSweep)}`);
  out(
    `  seeding: ${JSON.stringify(results.seeding)}; scan.record / raw SQLite: ${JSON.stringify(results.scanRecordVsRawSqlite)}`,
  );
  const outDir = join(REPO_ROOT, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'latest.json'), JSON.stringify(results, null, 2) + '\n');
  out(`\n  written to bench/results/latest.json`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
