/**
 * What the scan page says after a sync (miniprogram/scanner/core/sync.view.ts): the counts in words, and each
 * refused item with when it was taken, whom it was about — masked — and why.
 */
import { refusedItemOf, syncedText } from '../../miniprogram/scanner/core/sync.view';

const sent = {
  scanId: 'scan-0001-0001',
  action: 'record' as const,
  // 08:05 in Beijing
  scannedAt: '2026-12-01T00:05:30.000Z',
  qr: null,
  guestName: null,
  error: { message: '该扫码员账号已被禁用' },
};

describe('syncedText', () => {
  it('says only what happened: sent, refused, or both', () => {
    expect(syncedText(3, 0)).toBe('已同步 3 条离线登记');
    expect(syncedText(0, 1)).toBe('1 条离线登记被拒绝');
    expect(syncedText(3, 1)).toBe('已同步 3 条离线登记，1 条离线登记被拒绝');
  });
});

describe('refusedItemOf', () => {
  it('names a guest by the typed name, masked, at the Beijing time it was taken', () => {
    expect(refusedItemOf({ ...sent, guestName: '周玉兰' })).toEqual({
      scanId: sent.scanId,
      what: '08:05 无码人员 周**',
      reason: '该扫码员账号已被禁用',
    });
  });

  it('says a refusal record or a code without a pass for what it was, naming nobody', () => {
    expect(refusedItemOf({ ...sent, action: 'refusal' }).what).toBe('08:05 拒绝扫码/强行闯入记录');
    expect(refusedItemOf({ ...sent, qr: 'JXM1.0123456789abcdef.1.0123456789abcdef' }).what).toBe(
      '08:05 扫码登记',
    );
    expect(refusedItemOf({ ...sent, qr: 'not a code' }).what).toBe('08:05 扫码登记');
  });
});
