/**
 * The QR of the dynamic code, drawn as a grid of views (no canvas: it renders the same in the mini-program, in
 * tests and in screenshots). The matrix comes from TDesign's own pure encoder (qrcodegen); medium error correction.
 */
import { Ecc, QrCode, QrSegment } from 'tdesign-miniprogram/common/shared/qrcode/qrcodegen';

/** Quiet zone, in modules. */
const MARGIN = 2;

Component({
  properties: {
    text: { type: String, value: '' },
    /** Side length in rpx. */
    size: { type: Number, value: 440 },
  },
  data: { rows: [] as number[][], cell: 0, padding: 0 },
  observers: {
    'text, size'(text: string, size: number) {
      if (!text) {
        this.setData({ rows: [], cell: 0 });
        return;
      }
      const modules = QrCode.encodeSegments(QrSegment.makeSegments(text), Ecc.MEDIUM).getModules();
      const cell = Math.floor((size / (modules.length + 2 * MARGIN)) * 100) / 100;
      this.setData({
        rows: modules.map((row: boolean[]) => row.map((dark) => (dark ? 1 : 0))),
        cell,
        padding: cell * MARGIN,
      });
    },
  },
});
