/**
 * What the scan page says after its offline queue was sent (services/scan-queue.ts): how many went through and how
 * many the cloud refused, and for each refused one when it was taken, whom it was about — masked: a guest's typed
 * name, or the name the code's signed pass carries — and why. Pure.
 */
import { maskName } from '../../core/identity';
import { parseScannedCode } from '../../core/signed-pass';
import { shanghaiClock } from '../../core/views/health-code.view';

/** What the queue tells of one item it sent (services/scan-queue.ts SyncedScan). */
export interface SentItem {
  scanId: string;
  action: 'record' | 'refusal';
  scannedAt: string;
  qr: string | null;
  guestName: string | null;
  error: { message: string } | null;
}

/** A queued item the cloud refused at a sync: when it was taken, whom it was about (masked), and why. */
export interface RefusedItem {
  scanId: string;
  what: string;
  reason: string;
}

export function refusedItemOf(item: SentItem): RefusedItem {
  const time = shanghaiClock(new Date(item.scannedAt)).slice(11, 16);
  const code = item.qr !== null ? parseScannedCode(item.qr) : null;
  const who =
    item.action === 'refusal'
      ? '拒绝扫码/强行闯入记录'
      : item.guestName !== null
        ? `无码人员 ${maskName(item.guestName)}`
        : code?.version === 2
          ? code.pass.claims.name
          : '扫码登记';
  return { scanId: item.scanId, what: `${time} ${who}`, reason: item.error?.message ?? '' };
}

/** What a sync did: 已同步 3 条离线登记，1 条离线登记被拒绝 — each part only when there is one. */
export function syncedText(accepted: number, refused: number): string {
  const parts = [
    accepted ? `已同步 ${accepted} 条离线登记` : '',
    refused ? `${refused} 条离线登记被拒绝` : '',
  ];
  return parts.filter(Boolean).join('，');
}
