/**
 * Development setting: where the mini-program's calls go. `cloud` for every build that is uploaded; `local` points
 * it at the local cloud (`npm start`) over wx.request, as the openid below — for WeChat DevTools with
 * "不校验合法域名" ticked. See README: Developing the pages against the local cloud.
 */
import type { BackendSettings } from './services/backend';

export const BACKEND: BackendSettings = {
  mode: 'cloud',
  localCloudUrl: 'http://127.0.0.1:3900',
  devOpenid: 'dev-citizen',
};
