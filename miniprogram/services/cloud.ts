/**
 * The typed cloud client: `callCloud(fn, action, params)` with params and reply typed from the function's
 * contract (miniprogram/core/contracts). It never throws: a reply is the API's envelope, and a call that never
 * reached the cloud is `{ ok: false, error: { code: 'NETWORK' } }` — the offline scan queue keeps those.
 */
import type { ActionOf, ClientFunction, ParamsOf, ReplyOf } from '../core/contracts/index';
import type { ErrorCode, FieldErrors } from '../core/errors';
import { backend } from './backend';

export type ClientErrorCode = ErrorCode | 'NETWORK';

export type CloudReply<T> =
  | { ok: true; data: T }
  | { ok: false; error: { code: ClientErrorCode; message: string; fields?: FieldErrors } };

export const NETWORK_FAILURE = { code: 'NETWORK' as const, message: '网络不可用，请检查网络后重试' };

function isEnvelope(value: unknown): value is CloudReply<unknown> {
  return Boolean(value && typeof value === 'object' && typeof (value as { ok?: unknown }).ok === 'boolean');
}

function viaCloud(name: string, data: Record<string, unknown>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    wx.cloud.callFunction({ name, data, success: (res) => resolve(res.result), fail: reject });
  });
}

function viaLocalCloud(name: string, data: Record<string, unknown>): Promise<unknown> {
  const { localCloudUrl, devOpenid } = backend();
  return new Promise((resolve, reject) => {
    wx.request({
      url: `${localCloudUrl}/api/${name}`,
      method: 'POST',
      header: { 'content-type': 'application/json', 'x-wx-openid': devOpenid },
      data,
      success: (res) => resolve(res.data),
      fail: reject,
    });
  });
}

export async function callCloud<F extends ClientFunction, A extends ActionOf<F>>(
  fn: F,
  action: A,
  params: ParamsOf<F, A>,
): Promise<CloudReply<ReplyOf<F, A>>> {
  const data = { action, ...(params as Record<string, unknown>) };
  try {
    const result = backend().mode === 'local' ? await viaLocalCloud(fn, data) : await viaCloud(fn, data);
    if (isEnvelope(result)) return result as CloudReply<ReplyOf<F, A>>;
    return { ok: false, error: { code: 'INTERNAL', message: '系统繁忙，请稍后再试' } };
  } catch {
    return { ok: false, error: NETWORK_FAILURE };
  }
}
