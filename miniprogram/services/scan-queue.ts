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
  /** What was queued: a scan or a refusal, when it was taken, its QR, and for a guest the name typed. */
  action: 'record' | 'refusal';
  scannedAt: string;
  qr: string | null;
  guestName: string | null;
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
 * Sends the queue in order, each item once a sync. Stops at the first network failure (the rest stays queued, in
 * order); an item the cloud failed on without writing (INTERNAL) stays queued for the next sync while the items
 * behind it go on; everything the cloud answered leaves the queue.
 */
export async function syncScans(): Promise<{ synced: SyncedScan[]; remaining: number }> {
  const synced: SyncedScan[] = [];
  for (const next of pendingScans()) {
    const reply =
      next.action === 'refusal'
        ? await callCloud('scan', 'refusal', next.params)
        : await callCloud('scan', 'record', next.params);
    if (!reply.ok && reply.error.code === 'NETWORK') break;
    if (!reply.ok && reply.error.code === 'INTERNAL') continue;
    synced.push({
      scanId: next.params.scanId,
      action: next.action ?? 'record',
      scannedAt: next.params.scannedAt,
      qr: next.action === 'refusal' ? null : (next.params.qr ?? null),
      guestName: next.action === 'refusal' ? null : (next.params.guest?.name ?? null),
      reply: reply.ok ? reply.data : null,
      error: reply.ok ? null : { code: reply.error.code, message: reply.error.message },
    });
    // read again: a scan queued while this one was on its way stays
    save(
      STORAGE_KEYS.scanQueue,
      pendingScans().filter((q) => q.params.scanId !== next.params.scanId),
    );
  }
  return { synced, remaining: pendingScans().length };
}
