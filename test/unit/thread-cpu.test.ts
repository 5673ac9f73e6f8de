/**
 * The bench's split of a scan's CPU by thread (tools/bench/thread-cpu.ts): the local cloud's thread, the gates'
 * clients' (a phone's work in production) and the rest, from Linux's per-thread counters.
 */
import { cpuByThreadPerScan, ownThreadTicks, threadTicks } from '../../tools/bench/thread-cpu';

const CLIENTS_TID = process.pid + 7;
const HELPER_TID = process.pid + 3;

describe('CPU per scan by thread', () => {
  it('splits the ticks spent between two readings into the local cloud, the clients and the others', () => {
    // 100 ticks are a second; over 1,000 scans 1 tick is 10 µs a scan
    const before = new Map([
      [process.pid, 500],
      [HELPER_TID, 40],
      [CLIENTS_TID, 900],
    ]);
    const after = new Map([
      [process.pid, 620],
      [HELPER_TID, 52],
      [CLIENTS_TID, 990],
      [process.pid + 9, 8], // a helper started during the run: all of its ticks count
    ]);
    // the clients' thread read its own ticks (30); its entry in the process's readings is not counted again
    const split = cpuByThreadPerScan(before, after, { tid: CLIENTS_TID, ticks: 30 }, 1000);
    expect(split).toEqual({ localCloud: 1200, clients: 300, others: 200 });
  });

  it('answers nothing without both readings, the clients’ own or a scan', () => {
    const reading = new Map([[process.pid, 1]]);
    const clients = { tid: CLIENTS_TID, ticks: 1 };
    expect(cpuByThreadPerScan(null, reading, clients, 10)).toBeNull();
    expect(cpuByThreadPerScan(reading, null, clients, 10)).toBeNull();
    expect(cpuByThreadPerScan(reading, reading, null, 10)).toBeNull();
    expect(cpuByThreadPerScan(reading, reading, clients, 0)).toBeNull();
  });

  it('reads this process’s threads from /proc: the main thread is there, and its ticks grow with work', () => {
    const own = ownThreadTicks();
    expect(own?.tid).toBe(process.pid); // jest runs a test file on its worker process's main thread
    const before = threadTicks()!;
    const cpu = process.cpuUsage();
    let spin = 0;
    while (process.cpuUsage(cpu).user < 150_000) spin += Math.sqrt(spin + 1);
    const after = threadTicks()!;
    expect(spin).toBeGreaterThan(0);
    // 150 ms of CPU are ~15 ticks (the process's, nearly all this thread's); a counter that does not move fails
    expect(after.get(process.pid)! - before.get(process.pid)!).toBeGreaterThanOrEqual(5);
    expect(ownThreadTicks()!.ticks).toBeGreaterThanOrEqual(after.get(process.pid)!);
  });
});
