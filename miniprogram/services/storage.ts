/** Typed local storage: one key per thing kept on the device. */
export const STORAGE_KEYS = {
  code: 'jxm.code.v1',
  scanQueue: 'jxm.scanQueue.v1',
  /** The scanner's cached pass-signing keys (scanner/services/pass-keys.ts). */
  passKeys: 'jxm.passKeys.v1',
} as const;

export function load<T>(key: string, fallback: T): T {
  try {
    const value = wx.getStorageSync(key) as T | '';
    return value === '' || value === undefined || value === null ? fallback : value;
  } catch {
    return fallback;
  }
}

export function save<T>(key: string, value: T): void {
  wx.setStorageSync(key, value);
}
