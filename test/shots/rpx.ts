/**
 * rpx for screenshots. miniprogram-simulate and j-component turn `Nrpx` into `Npx` (1 rpx = 1 px, a 750 px wide
 * page); the shots are taken 375 CSS px wide, where WeChat makes 750 rpx the screen width: 1 rpx = 0.5 px.
 */
export const VIEWPORT_WIDTH = 375;

export function rpxToPx(style: string): string {
  return style.replace(/(-?\d*\.?\d+)rpx/gi, (_all, n: string) => {
    const px = (Number(n) * VIEWPORT_WIDTH) / 750;
    return `${Number(px.toFixed(3))}px`;
  });
}
