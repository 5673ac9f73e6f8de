/**
 * A local cloud for a test file: in this process, on a free loopback port, with a fresh data folder, timers off
 * unless asked. `call()` speaks the HTTP form of API.md section 1, exactly as a client would.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request } from 'node:http';
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

/**
 * Runs fn with the local cloud's clock standing still at `atMs` (its time, offset included): every call inside sees
 * the same instant, so that a rule is tried at its very millisecond, or several calls share one.
 */
export async function frozenAt<T>(cloud: LocalCloud, atMs: number, fn: () => Promise<T>): Promise<T> {
  const spy = jest.spyOn(Date, 'now').mockReturnValue(atMs - cloud.clock.offsetMs);
  try {
    return await fn();
  } finally {
    spy.mockRestore();
  }
}

/**
 * Runs fn with `ms` of simulated network on every database round trip (the wire meter's delay), as in production:
 * requests sent together all read before any of them writes, however fast or slow this machine runs them.
 */
export async function withTripDelay<T>(cloud: LocalCloud, ms: number, fn: () => Promise<T>): Promise<T> {
  const before = cloud.meter.delayMs;
  cloud.meter.delayMs = ms;
  try {
    return await fn();
  } finally {
    cloud.meter.delayMs = before;
  }
}

/** A stand-in's call held open by hangNextSend. */
export interface HungSend<M> {
  /** Resolves, with what was to be sent, once the call is made. */
  reached: Promise<M>;
  /** Ends the call: with the gateway's error, or as sent. */
  answer(): void;
  restore(): void;
}

/**
 * Makes the next `send` of an external service's stand-in (the SMS gateway, WeChat's pushes) wait until `answer()`,
 * which then fails it or lets it through: a gateway that does not answer while a run holds its lease. What a hung
 * call asked is not in the stand-in's log.
 */
export function hangNextSend<M>(
  sender: { send(message: M): Promise<void> },
  lateAnswer: 'fails' | 'goes through',
): HungSend<M> {
  let answer: (() => void) | undefined;
  let called!: (message: M) => void;
  const reached = new Promise<M>((resolve) => (called = resolve));
  const spy = jest.spyOn(sender, 'send').mockImplementationOnce((message: M) => {
    called(message);
    return new Promise<void>((resolve, reject) => {
      answer = () => (lateAnswer === 'fails' ? reject(new Error('no answer in time')) : resolve());
    });
  });
  return {
    reached,
    answer: () => answer?.(),
    restore: () => spy.mockRestore(),
  };
}

export interface HttpReply<T = unknown> {
  status: number;
  body: { ok: boolean; data?: T; error?: { code: string; message: string; fields?: Record<string, string> } };
}

/** POST over node:http (not fetch: the page tests run in jsdom, which has none). */
function post(
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export async function call<T = unknown>(
  cloud: { url: string },
  fn: string,
  body: unknown,
  openid: string | null = 'test-user',
): Promise<HttpReply<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (openid !== null) headers['x-wx-openid'] = openid;
  const res = await post(
    `${cloud.url}/api/${fn}`,
    typeof body === 'string' ? body : JSON.stringify(body),
    headers,
  );
  return { status: res.status, body: JSON.parse(res.text) as HttpReply<T>['body'] };
}

/** POST /dev/timers/<fn>/<trigger>: runs the trigger now and returns its envelope. */
export async function runTimer<T = Record<string, number>>(
  cloud: { url: string },
  fn: string,
  trigger: string,
): Promise<{ ok: boolean; data?: T; error?: { code: string } }> {
  const res = await post(`${cloud.url}/dev/timers/${fn}/${trigger}`, '', {});
  return JSON.parse(res.text) as { ok: boolean; data?: T; error?: { code: string } };
}
