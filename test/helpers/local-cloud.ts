/**
 * A local cloud for a test file: in this process, on a free loopback port, with a fresh data folder, timers off
 * unless asked. `call()` speaks the HTTP form of API.md section 1, exactly as a client would.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startLocalCloud,
  type LocalCloud,
  type LocalCloudOptions,
} from '../../tools/local-cloud/local-cloud';

export const FIXTURE_FUNCTIONS = join(__dirname, '..', 'fixtures', 'functions');

export async function openLocalCloud(options: Partial<LocalCloudOptions> = {}): Promise<LocalCloud> {
  return startLocalCloud({
    dataDir: mkdtempSync(join(tmpdir(), 'jxm-cloud-')),
    port: 0,
    bootstrapOpenid: 'test-initiator',
    timers: false,
    ...options,
  });
}

export interface HttpReply<T = unknown> {
  status: number;
  body: { ok: boolean; data?: T; error?: { code: string; message: string; fields?: Record<string, string> } };
}

export async function call<T = unknown>(
  cloud: { url: string },
  fn: string,
  body: unknown,
  openid: string | null = 'test-user',
): Promise<HttpReply<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (openid !== null) headers['x-wx-openid'] = openid;
  const res = await fetch(`${cloud.url}/api/${fn}`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as HttpReply<T>['body'] };
}

/** POST /dev/timers/<fn>/<trigger>: runs the trigger now and returns its envelope. */
export async function runTimer<T = Record<string, number>>(
  cloud: { url: string },
  fn: string,
  trigger: string,
): Promise<{ ok: boolean; data?: T; error?: { code: string } }> {
  const res = await fetch(`${cloud.url}/dev/timers/${fn}/${trigger}`, { method: 'POST' });
  return (await res.json()) as { ok: boolean; data?: T; error?: { code: string } };
}
