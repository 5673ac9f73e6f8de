/**
 * The scanner's offline queue (码上行动 at a gate without network): a scan that could not reach the cloud is kept
 * on the device with its scanId and the time it was taken, shown as pending, and sent again when the network
 * returns. The server records each scanId exactly once, so sending twice is harmless; an item leaves the queue
 * once the cloud has given an answer that a retry would not change (a recording, or a refusal such as QR_EXPIRED).
 */
import type { ScanReplies } from '../core/contracts/scan.contract';
import type { ParamsOf } from '../core/contracts/index';
import { callCloud } from './cloud';
import { STORAGE_KEYS, load, save } from './storage';

export type RecordParams = ParamsOf<'scan', 'record'>;
export type RefusalParams = ParamsOf<'scan', 'refusal'>;

/** A scan, or a refusal at the gate (rule 18), kept with the time it happened and the fix it was taken with. */
export type QueuedScan =
  | { action?: 'record'; params: RecordParams & { scannedAt: string }; queuedAt: string }
  | { action: 'refusal'; params: RefusalParams & { scannedAt: string }; queuedAt: string };

export interface SyncedScan {
  scanId: string;
  reply: ScanReplies['record'] | ScanReplies['refusal'] | null;
  /** The cloud refused it (e.g. QR_EXPIRED): shown to the scanner, not retried. */
  error: { code: string; message: string } | null;
}

export function pendingScans(): QueuedScan[] {
  return load<QueuedScan[]>(STORAGE_KEYS.scanQueue, []);
}

export function enqueueScan(params: RecordParams & { scannedAt: string }, now: Date): QueuedScan[] {
  return enqueue({ action: 'record', params, queuedAt: now.toISOString() });
}

export function enqueueRefusal(params: RefusalParams & { scannedAt: string }, now: Date): QueuedScan[] {
  return enqueue({ action: 'refusal', params, queuedAt: now.toISOString() });
}

function enqueue(item: QueuedScan): QueuedScan[] {
  const queue = pendingScans().filter((q) => q.params.scanId !== item.params.scanId);
  queue.push(item);
  save(STORAGE_KEYS.scanQueue, queue);
  return queue;
}

/**
 * Sends the queue in order. Stops at the first network failure (the rest stays queued, in order); everything the
 * cloud answered leaves the queue.
 */
export async function syncScans(): Promise<{ synced: SyncedScan[]; remaining: number }> {
  const synced: SyncedScan[] = [];
  let queue = pendingScans();
  while (queue.length > 0) {
    const [next] = queue;
    const reply =
      next.action === 'refusal'
        ? await callCloud('scan', 'refusal', next.params)
        : await callCloud('scan', 'record', next.params);
    // no answer, or the cloud failed without writing (INTERNAL): keep it, in order, for the next sync
    if (!reply.ok && (reply.error.code === 'NETWORK' || reply.error.code === 'INTERNAL')) break;
    synced.push({
      scanId: next.params.scanId,
      reply: reply.ok ? reply.data : null,
      error: reply.ok ? null : { code: reply.error.code, message: reply.error.message },
    });
    queue = pendingScans().filter((q) => q.params.scanId !== next.params.scanId);
    save(STORAGE_KEYS.scanQueue, queue);
  }
  return { synced, remaining: queue.length };
}
