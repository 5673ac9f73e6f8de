/**
 * Database round trips, as production would pay for them (DESIGN.md section 5).
 *
 * In WeChat Cloud every database call of a function crosses the network and counts against the environment's
 * quota. The local cloud sees each one as a wire action of the SDK; this meter sits between the SDK's transport and
 * the engine and
 *  - counts them per measured call: the operations (every wire action, a transaction's begin and commit included)
 *    and the sequential stages (reads sent together with `Promise.all` are in flight at once: one stage);
 *  - can add a simulated network delay to each (`JXM_DB_TRIP_DELAY_MS`, off by default), so that the latency
 *    production would see shows locally.
 * The messages sent after a change is written — the alert's push (API.md v1.1) and the status SMS (rule 10) — are
 * counted apart: every trip after an outbox row (`push_outbox`, `sms_outbox`) is written, or after the commit of the
 * transaction that wrote it, belongs to the sending.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
// from node:timers, not the global: the page tests run the local cloud in jsdom, which has no setImmediate
import { setImmediate, setTimeout } from 'node:timers';
import type { WireSend } from './sdk-seam';

export interface Trip {
  action: string;
  collection: string | null;
  /** Part of a database transaction (its begin and commit included). */
  transaction: boolean;
  /**
   * The sequential stage it was sent in, from 1: one more than the latest stage answered before it was sent. Reads
   * sent together share a stage; a chain of trips (a transaction's, or one worker's of several) adds one per trip.
   */
  stage: number;
  /** Sent after an outbox row was written: sending the message, counted apart. */
  sending: boolean;
}

/** What one measured call cost in round trips. */
export interface TripCount {
  /** Operations before the sending (every wire action, a transaction's begin and commit included). */
  operations: number;
  /** Sequential stages of those operations (the longest chain): trips in flight together count once. */
  stages: number;
  /** Operations of sending the push or SMS after the change is written, counted apart. */
  sendingOperations: number;
  trips: Trip[];
}

interface Measurement {
  trips: Trip[];
  /** The latest stage among the trips answered so far: a trip sent now waited on it. */
  answered: number;
  /** Transactions (by id) that wrote an outbox row. */
  outboxTransactions: Set<string>;
  sending: boolean;
}

const ACTION_PREFIX = 'database.';
const OUTBOXES = new Set(['push_outbox', 'sms_outbox']);

function collectionOf(params: Record<string, unknown>): string | null {
  return typeof params.collectionName === 'string' ? params.collectionName : null;
}

export class WireMeter {
  private readonly current = new AsyncLocalStorage<Measurement>();

  /** @param delayMs simulated network time per round trip (0: none). */
  constructor(
    private readonly send: WireSend,
    public delayMs = 0,
  ) {}

  /** The transport the SDK is given: each wire action, timed and counted when measured. */
  readonly transport: WireSend = async (action, params) => {
    const m = this.current.getStore();
    if (!m) {
      if (this.delayMs > 0) await sleep(this.delayMs);
      return this.send(action, params);
    }
    const name = action.startsWith(ACTION_PREFIX) ? action.slice(ACTION_PREFIX.length) : action;
    const transactionId = typeof params.transactionId === 'string' ? params.transactionId : null;
    const trip: Trip = {
      action: name,
      collection: collectionOf(params),
      transaction: transactionId !== null || name === 'startTransaction',
      stage: m.answered + 1,
      sending: m.sending,
    };
    m.trips.push(trip);
    const outbox = name === 'insertDocument' && OUTBOXES.has(trip.collection ?? '');
    if (outbox && transactionId) m.outboxTransactions.add(transactionId);
    try {
      // a trip takes time on the network: requests sent together are in flight together
      await (this.delayMs > 0 ? sleep(this.delayMs) : nextMacrotask());
      return await this.send(action, params);
    } finally {
      m.answered = Math.max(m.answered, trip.stage);
      if (outbox && !transactionId) m.sending = true;
      if (name === 'commitTransaction' && transactionId && m.outboxTransactions.has(transactionId)) {
        m.sending = true;
      }
    }
  };

  /** Runs `call` and counts the round trips it made (and any function it called in turn). */
  async measure<T>(call: () => Promise<T>): Promise<{ result: T; count: TripCount }> {
    const m: Measurement = { trips: [], answered: 0, outboxTransactions: new Set(), sending: false };
    const result = await this.current.run(m, call);
    return { result, count: countOf(m.trips) };
  }
}

export function countOf(trips: Trip[]): TripCount {
  const before = trips.filter((t) => !t.sending);
  return {
    operations: before.length,
    stages: Math.max(0, ...before.map((t) => t.stage)),
    sendingOperations: trips.length - before.length,
    trips,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

function nextMacrotask(): Promise<void> {
  return new Promise((done) => setImmediate(done));
}
