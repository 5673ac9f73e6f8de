/**
 * The production adapters' way out: a signed JSON POST to a configured HTTPS gateway, with a timeout and
 * bounded retries. Configuration comes from the function's environment, never from the repository:
 *   <PREFIX>_URL, <PREFIX>_APP_ID, <PREFIX>_SECRET, <PREFIX>_TIMEOUT_MS (default 3000), <PREFIX>_RETRIES (default 2)
 * The request carries `x-jxm-app-id`, `x-jxm-timestamp` and `x-jxm-signature` = hex HMAC-SHA256(secret,
 * "<timestamp>.<body>"). Network errors, time-outs and 5xx answers are retried with back-off (200 ms, 400 ms, …);
 * anything else, or running out of tries, is ServiceUnavailable.
 */
import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { logEvent } from '../log';
import { ServiceUnavailable } from '../ports';

export interface GatewayConfig {
  service: string;
  url: URL;
  appId: string;
  secret: string;
  timeoutMs: number;
  retries: number;
}

export function gatewayConfigFromEnv(
  service: string,
  prefix: string,
  env: NodeJS.ProcessEnv = process.env,
): GatewayConfig | null {
  const url = env[`${prefix}_URL`];
  const appId = env[`${prefix}_APP_ID`];
  const secret = env[`${prefix}_SECRET`];
  if (!url || !appId || !secret) return null;
  const parsed = new URL(url);
  const loopback = parsed.hostname === '127.0.0.1' || parsed.hostname === 'localhost';
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback)) {
    throw new Error(`${prefix}_URL must be https`);
  }
  return {
    service,
    url: parsed,
    appId,
    secret,
    timeoutMs: Number(env[`${prefix}_TIMEOUT_MS`] ?? 3000),
    retries: Number(env[`${prefix}_RETRIES`] ?? 2),
  };
}

class Retryable extends Error {}

function postOnce(config: GatewayConfig, body: string): Promise<unknown> {
  const timestamp = String(Date.now());
  const signature = createHmac('sha256', config.secret).update(`${timestamp}.${body}`).digest('hex');
  const send = config.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      config.url,
      {
        method: 'POST',
        timeout: config.timeoutMs,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'x-jxm-app-id': config.appId,
          'x-jxm-timestamp': timestamp,
          'x-jxm-signature': signature,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 500) return reject(new Retryable(`status ${status}`));
          if (status !== 200) return reject(new Error(`status ${status}`));
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch {
            reject(new Error('answer is not JSON'));
          }
        });
        res.on('error', (err) => reject(new Retryable(err.message)));
      },
    );
    req.on('timeout', () => req.destroy(new Retryable('timeout')));
    req.on('error', (err) => reject(err instanceof Retryable ? err : new Retryable(err.message)));
    req.end(body);
  });
}

export async function callGateway(
  config: GatewayConfig | null,
  payload: unknown,
  service: string,
): Promise<unknown> {
  if (!config) {
    logEvent('gateway_not_configured', { service });
    throw new ServiceUnavailable(service);
  }
  const body = JSON.stringify(payload);
  for (let attempt = 0; ; attempt++) {
    try {
      return await postOnce(config, body);
    } catch (err) {
      const retry = err instanceof Retryable && attempt < config.retries;
      logEvent('gateway_failed', {
        service,
        attempt,
        retry,
        reason: err instanceof Retryable ? 'transient' : 'refused',
      });
      if (!retry) throw new ServiceUnavailable(service);
      await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt));
    }
  }
}
