/** Random values on the device: wx.getRandomValues, the mini-program's only secure source. */
import { uuidFromBytes } from '../core/uuid';

export function randomBytes(length: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    wx.getRandomValues({
      length,
      success: (res) => resolve(new Uint8Array(res.randomValues)),
      fail: reject,
    });
  });
}

export async function newScanId(): Promise<string> {
  return uuidFromBytes(await randomBytes(16));
}
