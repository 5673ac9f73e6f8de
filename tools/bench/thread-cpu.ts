/**
 * CPU time per thread of this process, as Linux counts it (/proc/self/task/<tid>/stat: user and system time in
 * clock ticks). Node 20 tells a process's CPU, not a thread's; the bench needs the split to tell the local cloud's
 * cost from the clients' (a phone's in production) and from V8's helper threads (the optimising compiler, the garbage
 * collector's parallel work) and libuv's pool (where SQLite's syncs wait). Elsewhere than Linux it answers nothing.
 */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

/** Clock ticks a second of /proc's counters (USER_HZ): 100 on every Linux Node runs on. */
const TICKS_PER_SECOND = 100;

export type ThreadTicks = Map<number, number>;

/** user + system time in clock ticks from one /proc stat line (the name, field 2, may hold spaces and parentheses). */
function ticksOf(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // fields 14 and 15: utime, stime
}

/** Each thread's CPU so far, in clock ticks, by thread id; null where /proc has no such counters. */
export function threadTicks(): ThreadTicks | null {
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return null;
  }
  const ticks: ThreadTicks = new Map();
  for (const tid of tids) {
    try {
      ticks.set(Number(tid), ticksOf(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')));
    } catch {
      // a thread that ended between the listing and the read
    }
  }
  return ticks;
}

/**
 * The calling thread (a worker's own, not the process's): its id and CPU so far in clock ticks; null off Linux.
 * A worker reads its own before it ends: an ended thread's time leaves /proc/self/task with it.
 */
export function ownThreadTicks(): { tid: number; ticks: number } | null {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return { tid, ticks: ticksOf(readFileSync('/proc/thread-self/stat', 'utf8')) };
  } catch {
    return null;
  }
}

export interface CpuByThread {
  /** The local cloud's thread (the process's main thread): HTTP, the function, wx-server-sdk, the engine, SQLite. */
  localCloud: number;
  /** The gates' clients' thread: a phone's work in production. */
  clients: number;
  /** Every other thread: V8's compiler and garbage collector helpers, libuv's pool. */
  others: number;
}

/**
 * Microseconds of CPU per scan by thread between two readings of the process's threads, the clients' thread apart
 * (its id and the ticks it spent, read by itself); null when a reading is missing.
 */
export function cpuByThreadPerScan(
  before: ThreadTicks | null,
  after: ThreadTicks | null,
  clients: { tid: number; ticks: number } | null,
  scans: number,
): CpuByThread | null {
  if (!before || !after || !clients || scans <= 0) return null;
  let localCloud = 0;
  let others = 0;
  for (const [tid, ticks] of after) {
    const spent = ticks - (before.get(tid) ?? 0);
    if (tid === process.pid) localCloud += spent;
    else if (tid !== clients.tid) others += spent;
  }
  const perScan = (spentTicks: number) => Math.round((spentTicks * 1e6) / TICKS_PER_SECOND / scans);
  return { localCloud: perScan(localCloud), clients: perScan(clients.ticks), others: perScan(others) };
}
