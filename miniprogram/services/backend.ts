/**
 * Where the mini-program's calls go. In production: WeChat Cloud, through wx.cloud.callFunction. In development:
 * the local cloud (`npm start`) over wx.request, with a stand-in WeChat identity — set in config.ts, never in a
 * build that is uploaded (tools/ci checks it).
 */
export interface BackendSettings {
  mode: 'cloud' | 'local';
  /** The local cloud's URL (development only). */
  localCloudUrl: string;
  /** The openid the local cloud should see (development only: x-wx-openid). */
  devOpenid: string;
}

let settings: BackendSettings = {
  mode: 'cloud',
  localCloudUrl: 'http://127.0.0.1:3900',
  devOpenid: 'dev-citizen',
};

export function backend(): BackendSettings {
  return settings;
}

export function useBackend(next: Partial<BackendSettings>): void {
  settings = { ...settings, ...next };
}
