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
 * The subscribe-message template of alert pushes (rule 15: 平台推送), which the agency's desk asks the user to accept
 * (wx.requestSubscribeMessage). It must be the template id the cloud functions send with, their JXM_PUSH_TEMPLATE_ID:
 * production replaces this placeholder with the id chosen in the mini-program's console (订阅消息). The placeholder is
 * the local cloud's own template id (LOCAL_PUSH_TEMPLATE), so that development and the page tests agree.
 */
export const PUSH_TEMPLATE_ID = 'local-alert-template';
