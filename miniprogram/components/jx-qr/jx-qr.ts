/**
 * The QR of the dynamic code on a canvas (type 2d): a JXM2 text (~300 characters) is 69 × 69 modules, too many for
 * a grid of views. Modules from TDesign's pure encoder (medium error correction), each a whole number of device
 * pixels, centred with a quiet zone of 2 modules.
 */
import { Ecc, QrCode, QrSegment } from 'tdesign-miniprogram/common/shared/qrcode/qrcodegen';

type Canvas = {
  width: number;
  height: number;
  getContext(type: '2d'): { fillStyle: string; fillRect(x: number, y: number, w: number, h: number): void };
};

Component({
  properties: {
    text: { type: String, value: '' },
    /** Side length in rpx. */
    size: { type: Number, value: 440 },
  },
  observers: {
    'text, size'() {
      this.draw();
    },
  },
  lifetimes: {
    ready() {
      this.draw();
    },
  },
  methods: {
    draw() {
      const { text, size } = this.data;
      wx.createSelectorQuery()
        .in(this)
        .select('#qr-canvas')
        .fields({ node: true, size: true })
        .exec((res: Array<{ node?: Canvas; width?: number } | null>) => {
          const canvas = res?.[0]?.node;
          if (!canvas) return;
          const info = wx.getWindowInfo();
          const side = Math.round(
            (res[0]!.width || (size * info.windowWidth) / 750) * (info.pixelRatio || 1),
          );
          canvas.width = canvas.height = side;
          const ctx = canvas.getContext('2d');
          ctx.fillStyle = '#ffffff';
          ctx.fillRect(0, 0, side, side);
          if (!text) return;
          const modules = QrCode.encodeSegments(QrSegment.makeSegments(text), Ecc.MEDIUM).getModules();
          const cell = Math.max(1, Math.floor(side / (modules.length + 4)));
          const offset = Math.floor((side - cell * modules.length) / 2);
          ctx.fillStyle = '#000000';
          modules.forEach((row: boolean[], r: number) =>
            row.forEach((dark, c) => dark && ctx.fillRect(offset + c * cell, offset + r * cell, cell, cell)),
          );
        });
    },
  },
});
