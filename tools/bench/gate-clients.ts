/**
 * The scanners at the gates, on a thread of their own: what the bench measures is the local cloud, and the clients'
 * HTTP work (fetch, its streams, the replies' JSON) is a phone's in production, not the server's. Each client sends
 * its scans one after another over the local cloud's HTTP form; the clients run together.
 *
 * The mix of a gate: mostly green codes; every 20th scan a guest without a code (rule 13), one a fever (37.9 °C), one
 * a cool reading (36.4 °C), one sent twice with the same scanId (a retry). Each scan shows crowd[k mod crowd size]:
 * given a crowd as large as the run, everyone is scanned once, as in a queue.
 *
 * `runGateClients` starts the thread (tools/bench/dist/gate-clients.js, bundled beside bench.js) and answers each
 * scan's latency and the wall time of the whole run.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { hmacSha256Hex } from '../../cloudfunctions/_server/privacy/personal-data';
import { renderCode } from '../../miniprogram/core/dynamic-code';
import { AT_GATE, post, type Citizen, type Gate } from './gates';
import { cpuByThreadPerScan, ownThreadTicks, threadTicks, type CpuByThread } from './thread-cpu';

export interface GateRun {
  url: string;
  /** One client per gate, scanning together. */
  gates: Gate[];
  /** Each gate scans its own share of the crowd (k ≡ client mod gates), so nobody shows one step at two sites. */
  crowd: Citizen[];
  scans: number;
  /** Only green codes at 36.5 °C (the profile's case), instead of the gate's mix. */
  greenOnly?: boolean;
  /** Distinguishes this run's scanIds from another run's. */
  label: string;
}

export interface GateResult {
  /** Milliseconds per scan as its client saw it (the retry of a duplicate not counted). */
  samples: number[];
  wallMs: number;
}

/** What the clients' thread answers: the scans, and its own id and CPU ticks spent scanning (null off Linux). */
interface ClientsReply extends GateResult {
  clientsThread: { tid: number; ticks: number } | null;
}

export interface GateRunResult extends GateResult {
  /**
   * Microseconds the calling thread (the local cloud's) was busy per scan during the run: its event loop's active
   * time (HTTP, the function, the SDK, the engine, SQLite), steadier from run to run than the rate, which also
   * moves with the disk.
   */
  serverBusyUsPerScan: number;
  /**
   * Microseconds of CPU per scan the whole process spent (every thread: the local cloud's, the clients', SQLite's
   * and libuv's pools, the garbage collector's), user and system time together.
   */
  processCpuUsPerScan: number;
  /**
   * The most scans a second this machine's cores could carry at that CPU cost, were every core busy with nothing
   * else: `cores × 1 s / processCpuUsPerScan`. A rate above it needs less CPU per scan, not more concurrency.
   */
  cpuCeilingPerSecond: number;
  /**
   * That CPU split by thread (thread-cpu.ts; null off Linux): the local cloud's, the clients' (a phone's work in
   * production), and the others' (V8's compiler and garbage collector helpers, libuv's pool).
   */
  cpuByThreadUsPerScan: CpuByThread | null;
}

/** "all threads 2100 µs CPU a scan (the local cloud 1400, the clients 300, others 400), the cores' ceiling 950/s" */
export function cpuOf(
  run: Pick<GateRunResult, 'processCpuUsPerScan' | 'cpuByThreadUsPerScan' | 'cpuCeilingPerSecond'>,
): string {
  const split = run.cpuByThreadUsPerScan;
  const byThread = split
    ? ` (the local cloud ${split.localCloud}, the clients ${split.clients}, others ${split.others})`
    : '';
  return `all threads ${run.processCpuUsPerScan} µs CPU a scan${byThread}, the cores' ceiling ${run.cpuCeilingPerSecond}/s`;
}

async function scanAtGates(run: GateRun, onScan: (done: number) => void): Promise<GateResult> {
  const samples: number[] = [];
  let done = 0;
  const cloud = { url: run.url };
  const step = Math.max(1, Math.floor(run.scans / 20));
  const oneScan = async (gate: Gate, k: number) => {
    const kind = run.greenOnly ? 19 : k % 20;
    const body: Record<string, unknown> = {
      action: 'record',
      positionId: gate.id,
      scanId: `${run.label}-${k}`,
      temperature: 36.5,
      // the scan page sends its live fix with every scan (rule 7)
      location: AT_GATE,
    };
    if (kind === 0) body.guest = { name: '赵桂芳', category: 'elderly' };
    else body.qr = renderCode(hmacSha256Hex, run.crowd[k % run.crowd.length], Date.now());
    if (kind === 1) body.temperature = 37.9;
    if (kind === 2) body.temperature = 36.4;
    const started = performance.now();
    const reply = await post(cloud, 'scan', body, gate.openid);
    samples.push(performance.now() - started);
    if (!reply.ok) throw new Error(`scan.record failed: ${JSON.stringify(reply.error)}`);
    if (kind === 3) await post(cloud, 'scan', body, gate.openid); // a retry with the same scanId
    if (++done % step === 0 || done === run.scans) onScan(done);
  };
  const started = performance.now();
  await Promise.all(
    run.gates.map(async (gate, c) => {
      for (let k = c; k < run.scans; k += run.gates.length) await oneScan(gate, k);
    }),
  );
  return { samples, wallMs: performance.now() - started };
}

/** Runs the gates' clients on their own thread; `progress` hears how many scans are done. */
export async function runGateClients(
  run: GateRun,
  progress: (done: number) => void = () => undefined,
): Promise<GateRunResult> {
  const loop = performance.eventLoopUtilization();
  const cpu = process.cpuUsage();
  const threadsBefore = threadTicks();
  const { clientsThread, ...result } = await clientsOnThread(run, progress);
  const threadsAfter = threadTicks();
  const busyMs = performance.eventLoopUtilization(loop).active;
  const { user, system } = process.cpuUsage(cpu);
  const scans = result.samples.length;
  const processCpuUsPerScan = Math.round((user + system) / scans);
  return {
    ...result,
    serverBusyUsPerScan: Math.round((busyMs * 1000) / scans),
    processCpuUsPerScan,
    cpuCeilingPerSecond: Math.round((availableParallelism() * 1e6) / processCpuUsPerScan),
    cpuByThreadUsPerScan: cpuByThreadPerScan(threadsBefore, threadsAfter, clientsThread, scans),
  };
}

function clientsOnThread(run: GateRun, progress: (done: number) => void): Promise<ClientsReply> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(join(__dirname, 'gate-clients.js'), { workerData: run });
    worker.on('message', (message: { done?: number; result?: ClientsReply; error?: string }) => {
      if (message.done !== undefined) progress(message.done);
      if (message.result) resolve(message.result);
      if (message.error) reject(new Error(message.error));
    });
    worker.on('error', reject);
    worker.on('exit', (code) => {
      if (code !== 0) reject(new Error(`the gate clients' thread ended with ${code}`));
    });
  });
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  const ticksBefore = ownThreadTicks();
  scanAtGates(workerData as GateRun, (done) => port.postMessage({ done }))
    .then((scans) => {
      const ticksAfter = ownThreadTicks();
      const clientsThread =
        ticksBefore && ticksAfter
          ? { tid: ticksAfter.tid, ticks: ticksAfter.ticks - ticksBefore.ticks }
          : null;
      const result: ClientsReply = { ...scans, clientsThread };
      port.postMessage({ result });
    })
    .catch((error: unknown) => port.postMessage({ error: String(error) }));
}
