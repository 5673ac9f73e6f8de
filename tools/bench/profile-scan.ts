/**
 * Where a scan's CPU goes: eight gates scan green codes over the local cloud's HTTP form, as the bench's 8-client
 * case does (the clients on a thread of their own, each scan a different seeded person), while the V8 profiler
 * samples the local cloud's thread. Prints self time by layer (Node's HTTP server and streams, wx-server-sdk, the
 * bundled function, the local cloud and its engine, SQLite, garbage collection) and the heaviest functions; writes
 * the whole profile to bench/results/scan.cpuprofile (open it in Chrome DevTools). With --no-profile it prints only
 * the rate, the local cloud thread's busy time per scan and the group commits, unslowed by the profiler.
 *
 *   node tools/build.js --no-typecheck --functions --quiet && node tools/bench/dist/profile-scan.js [scans] [--no-profile]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { REPO_ROOT, startLocalCloud } from '../local-cloud/local-cloud';
import { cpuOf, runGateClients } from './gate-clients';
import { openGates } from './gates';
import { seedPersons } from './seed';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

/** The layer a sampled frame belongs to, by its script (the tools are bundled, so the local cloud is one layer). */
function layerOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (!url) {
    if (functionName === '(garbage collector)') return 'garbage collection';
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(program)') return 'V8 and native (program)';
    return `native: ${functionName || '(anonymous)'}`;
  }
  if (url.includes('undici')) return 'HTTP client (fetch, undici)';
  if (/node:(_http|http|net|internal\/(http|streams|stream_base|net)|stream|events|buffer)/.test(url))
    return "Node's HTTP server, sockets, streams";
  if (url.startsWith('node:')) return 'Node, other';
  if (url.includes('better-sqlite3')) return 'better-sqlite3 (JS)';
  if (/@cloudbase|wx-server-sdk|tcb-|bson/.test(url)) return 'wx-server-sdk (@cloudbase)';
  if (url.includes('/cloudfunctions/')) return 'the cloud function (bundle)';
  if (url.includes('/tools/bench/dist/')) return 'local cloud + engine (bundled here)';
  if (url.includes('node_modules')) return `package: ${url.replace(/.*node_modules\//, '').split('/')[0]}`;
  return url;
}

async function main(): Promise<void> {
  const scans = Number(process.argv[2] ?? 2000);
  const profiling = !process.argv.includes('--no-profile');
  for (const method of ['log', 'info', 'warn', 'error'] as const) console[method] = () => undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'jxm-profile-scan-'));
  const initiator = 'profile-initiator';
  const cloud = await startLocalCloud({ dataDir, port: 0, bootstrapOpenid: initiator, timers: false });
  try {
    const gates = await openGates(cloud, 8, initiator);
    // a queue at each gate: everyone scanned once (the warm-up's people apart from the measured ones)
    const crowd = seedPersons(cloud, scans + 400, () => undefined);
    const measured = crowd.slice(0, scans);
    const run = (count: number, label: string) =>
      runGateClients({
        url: cloud.url,
        gates,
        crowd: label === 'warm-up' ? crowd.slice(scans) : measured,
        scans: count,
        greenOnly: true,
        label,
      });
    await run(400, 'warm-up'); // JIT, statement cache
    if (!profiling) {
      const before = { ...cloud.store.groupStats };
      const profiled = await run(scans, 'profiled');
      const after = cloud.store.groupStats;
      process.stdout.write(
        `${scans} green scans, 8 gates: ${Math.round((scans / profiled.wallMs) * 1000)}/s; ` +
          `the local cloud's thread busy ${profiled.serverBusyUsPerScan} µs a scan; ${cpuOf(profiled)}; ` +
          `${after.writes - before.writes} writes in ${after.groups - before.groups} groups, ` +
          `${after.syncs - before.syncs} syncs\n`,
      );
      return;
    }

    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    const started = performance.now();
    await run(scans, 'profiled');
    const ms = performance.now() - started;
    const { profile } = (await session.post('Profiler.stop')) as {
      profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
    };
    session.disconnect();

    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const selfUs = new Map<number, number>();
    profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
    const layers = new Map<string, number>();
    const functions = new Map<string, number>();
    let total = 0;
    for (const [id, us] of selfUs) {
      const frame = byId.get(id)!.callFrame;
      total += us;
      const layer = layerOf(frame);
      layers.set(layer, (layers.get(layer) ?? 0) + us);
      const name = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/.*\//, '')}:${frame.lineNumber + 1}`;
      functions.set(name, (functions.get(name) ?? 0) + us);
    }
    const busy = total - (layers.get('idle') ?? 0);
    const line = (label: string, us: number) =>
      `  ${label.padEnd(44)} ${(us / 1000).toFixed(0).padStart(6)} ms  ${((us / busy) * 100).toFixed(1).padStart(5)} %  ${(us / scans).toFixed(0).padStart(5)} µs/scan`;
    const out: string[] = [
      `${scans} green scans, 8 gates: ${Math.round((scans / ms) * 1000)}/s, ${(ms / scans).toFixed(2)} ms wall a scan, busy ${(busy / scans / 1000).toFixed(2)} ms CPU a scan`,
      'self time by layer (share of busy time):',
      ...[...layers].sort((a, b) => b[1] - a[1]).map(([label, us]) => line(label, us)),
      'heaviest functions:',
      ...[...functions]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 40)
        .map(([label, us]) => line(label.slice(0, 44), us)),
    ];
    process.stdout.write(out.join('\n') + '\n');
    const results = join(REPO_ROOT, 'bench', 'results');
    mkdirSync(results, { recursive: true });
    writeFileSync(join(results, 'scan.cpuprofile'), JSON.stringify(profile));
  } finally {
    await cloud.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main();
