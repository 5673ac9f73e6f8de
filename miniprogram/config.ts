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

/**
 * Alert pushes' subscribe-message template (rule 15), asked for on admin/agency. Must equal the functions'
 * JXM_PUSH_TEMPLATE_ID: production puts the console's template id here; this placeholder is the local cloud's.
 */
export const PUSH_TEMPLATE_ID = 'local-alert-template';
