/**
 * The production adapters' gateway (cloudfunctions/_server/adapters/gateway.ts) against a gateway stand-in on
 * loopback: signed requests, answers, time-outs, bounded retries on 5xx, no retry on refusals, and the adapters'
 * reading of the answers.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer, globalAgent } from 'node:https';
import type { AddressInfo } from 'node:net';
import { gatewayConfigFromEnv } from '../../cloudfunctions/_server/adapters/gateway';
import {
  gatewayNationalHealthService,
  gatewayRealnameVerifier,
} from '../../cloudfunctions/_server/adapters/production';
import { loggedJson } from '../helpers/logged';
import { LOOPBACK_TLS } from '../helpers/loopback-tls';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

let server: Server;
let url: string;
let handler: Handler;
let hits: number;

beforeAll(async () => {
  server = createServer((req, res) => {
    hits++;
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => handler(req, body, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/verify`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const SECRET = 'gateway-secret';
const env = (prefix: string, extra: Record<string, string> = {}) => {
  const previous = { ...process.env };
  Object.assign(process.env, {
    [`${prefix}_URL`]: url,
    [`${prefix}_APP_ID`]: 'jxm-test',
    [`${prefix}_SECRET`]: SECRET,
    // long enough that a loaded machine (CI runs suites side by side) never cuts off an answer the test waits for;
    // the timeout's own test sets a short one
    [`${prefix}_TIMEOUT_MS`]: '5000',
    [`${prefix}_RETRIES`]: '2',
    ...extra,
  });
  return () => {
    for (const key of Object.keys(process.env)) if (!(key in previous)) delete process.env[key];
    Object.assign(process.env, previous);
  };
};

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

beforeEach(() => {
  hits = 0;
});

afterEach(() => jest.restoreAllMocks());

describe('real-name gateway', () => {
  it('signs the request and reads match and mismatch', async () => {
    const restore = env('JXM_REALNAME');
    try {
      const seen: Array<Record<string, unknown>> = [];
      handler = (req, body, res) => {
        const expected = createHmac('sha256', SECRET)
          .update(`${req.headers['x-jxm-timestamp']}.${body}`)
          .digest('hex');
        if (req.headers['x-jxm-signature'] !== expected || req.headers['x-jxm-app-id'] !== 'jxm-test')
          return json(res, 401, {});
        if (req.method !== 'POST' || req.headers['content-type'] !== 'application/json')
          return json(res, 405, {});
        const payload = JSON.parse(body);
        seen.push(payload);
        json(res, 200, { result: payload.name === '王建国' ? 'match' : 'mismatch' });
      };
      await expect(gatewayRealnameVerifier.verify({ name: '王建国', idNumber: 'x' })).resolves.toBe('match');
      await expect(gatewayRealnameVerifier.verify({ name: '李四', idNumber: 'x' })).resolves.toBe('mismatch');
      expect(seen).toEqual([
        { name: '王建国', idNumber: 'x' },
        { name: '李四', idNumber: 'x' },
      ]);
    } finally {
      restore();
    }
  });

  it('retries a failing gateway with back-off and succeeds when it recovers', async () => {
    const restore = env('JXM_REALNAME');
    try {
      const at: number[] = [];
      handler = (_req, _body, res) => {
        at.push(Date.now());
        if (hits < 3) json(res, 503, {});
        else json(res, 200, { result: 'match' });
      };
      const events = loggedJson('log');
      await expect(gatewayRealnameVerifier.verify({ name: 'a', idNumber: 'b' })).resolves.toBe('match');
      expect(hits).toBe(3);
      // 200 ms before the first retry, 400 ms before the second (at least: a loaded machine only adds)
      expect(at[1] - at[0]).toBeGreaterThanOrEqual(195);
      expect(at[2] - at[1]).toBeGreaterThanOrEqual(395);
      expect(events()).toEqual([
        { event: 'gateway_failed', service: 'realname', attempt: 0, retry: true, reason: 'transient' },
        { event: 'gateway_failed', service: 'realname', attempt: 1, retry: true, reason: 'transient' },
      ]);
    } finally {
      restore();
    }
  });

  it('gives up after the bounded retries: ServiceUnavailable', async () => {
    const restore = env('JXM_REALNAME');
    try {
      handler = (_req, _body, res) => json(res, 500, {});
      await expect(gatewayRealnameVerifier.verify({ name: 'a', idNumber: 'b' })).rejects.toMatchObject({
        name: 'ServiceUnavailable',
      });
      expect(hits).toBe(3); // one try and two retries
    } finally {
      restore();
    }
  });

  it('times out a gateway that does not answer', async () => {
    const restore = env('JXM_REALNAME', { JXM_REALNAME_RETRIES: '0', JXM_REALNAME_TIMEOUT_MS: '300' });
    try {
      handler = () => undefined; // never answers
      const started = Date.now();
      await expect(gatewayRealnameVerifier.verify({ name: 'a', idNumber: 'b' })).rejects.toMatchObject({
        name: 'ServiceUnavailable',
      });
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      restore();
    }
  });

  it('does not retry a refusal, and treats an answer it cannot read as unavailable', async () => {
    const restore = env('JXM_REALNAME');
    try {
      // a refusal is not an answer, even with one in its body
      handler = (_req, _body, res) => json(res, 403, { result: 'match' });
      const events = loggedJson('log');
      await expect(gatewayRealnameVerifier.verify({ name: 'a', idNumber: 'b' })).rejects.toMatchObject({
        name: 'ServiceUnavailable',
      });
      expect(hits).toBe(1);
      expect(events()).toEqual([
        { event: 'gateway_failed', service: 'realname', attempt: 0, retry: false, reason: 'refused' },
      ]);
      handler = (_req, _body, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>maintenance</html>');
      };
      await expect(gatewayRealnameVerifier.verify({ name: 'a', idNumber: 'b' })).rejects.toMatchObject({
        name: 'ServiceUnavailable',
      });
      expect(hits).toBe(2);
      handler = (_req, _body, res) => json(res, 200, { result: 'maybe' });
      await expect(gatewayRealnameVerifier.verify({ name: 'a', idNumber: 'b' })).rejects.toMatchObject({
        name: 'ServiceUnavailable',
      });
    } finally {
      restore();
    }
  });

  it('is unavailable when not configured, and refuses plain http to anywhere but loopback', async () => {
    const events = loggedJson('log');
    await expect(gatewayRealnameVerifier.verify({ name: 'a', idNumber: 'b' })).rejects.toMatchObject({
      name: 'ServiceUnavailable',
    });
    expect(events()).toEqual([{ event: 'gateway_not_configured', service: 'realname' }]);
    expect(() =>
      gatewayConfigFromEnv('realname', 'X', {
        X_URL: 'http://gateway.example/verify',
        X_APP_ID: 'a',
        X_SECRET: 's',
      }),
    ).toThrow(/https/);
  });
});

describe('national gateway', () => {
  it('reads status, quarantine end and flag time', async () => {
    const restore = env('JXM_NATIONAL');
    try {
      handler = (_req, _body, res) =>
        json(res, 200, {
          status: 'quarantine',
          quarantineUntil: '2026-12-01T00:00:00+08:00',
          flaggedAt: '2026-11-20T10:00:00Z',
        });
      await expect(gatewayNationalHealthService.check({ idNumber: 'x', idHash: 'h' })).resolves.toEqual({
        status: 'quarantine',
        quarantineUntil: new Date('2026-11-30T16:00:00Z'),
        flaggedAt: new Date('2026-11-20T10:00:00Z'),
      });
      handler = (_req, _body, res) => json(res, 200, { status: 'infected' });
      await expect(gatewayNationalHealthService.check({ idNumber: 'x', idHash: 'h' })).rejects.toMatchObject({
        name: 'ServiceUnavailable',
      });
    } finally {
      restore();
    }
  });
});

describe('an answer of null', () => {
  it('is unavailable, named by its service, for the real-name check and the national platform alike', async () => {
    const restore = [env('JXM_REALNAME'), env('JXM_NATIONAL')];
    try {
      handler = (_req, _body, res) => json(res, 200, null);
      await expect(gatewayRealnameVerifier.verify({ name: 'a', idNumber: 'b' })).rejects.toMatchObject({
        name: 'ServiceUnavailable',
        message: 'realname unavailable',
      });
      await expect(gatewayNationalHealthService.check({ idNumber: 'x', idHash: 'h' })).rejects.toMatchObject({
        name: 'ServiceUnavailable',
        message: 'national unavailable',
      });
    } finally {
      for (const undo of restore.reverse()) undo();
    }
  });
});

describe('an answer cut off', () => {
  it('mid-body is retried like a network failure', async () => {
    const restore = env('JXM_REALNAME');
    try {
      handler = (_req, _body, res) => {
        if (hits > 1) return json(res, 200, { result: 'match' });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        res.write('{"result":');
        setTimeout(() => res.socket?.destroy(), 20);
      };
      await expect(gatewayRealnameVerifier.verify({ name: 'a', idNumber: 'b' })).resolves.toBe('match');
      expect(hits).toBe(2);
    } finally {
      restore();
    }
  });
});

describe('the configuration', () => {
  const config = (vars: Record<string, string>) =>
    gatewayConfigFromEnv('realname', 'X', { X_APP_ID: 'a', X_SECRET: 's', ...vars });

  it('takes https anywhere, plain http on loopback only, with 3 s and two retries unless told', () => {
    expect(config({ X_URL: 'https://gateway.example/verify' })).toMatchObject({
      service: 'realname',
      url: new URL('https://gateway.example/verify'),
      appId: 'a',
      secret: 's',
      timeoutMs: 3000,
      retries: 2,
    });
    for (const url of ['http://127.0.0.1:8080/v', 'http://localhost:8080/v'])
      expect(config({ X_URL: url })?.url.href).toBe(url);
    for (const url of ['http://gateway.example/v', 'http://10.0.0.1/v', 'ftp://127.0.0.1/v'])
      expect(() => config({ X_URL: url })).toThrow('X_URL must be https');
    expect(config({ X_URL: 'https://g.example/', X_TIMEOUT_MS: '800', X_RETRIES: '0' })).toMatchObject({
      timeoutMs: 800,
      retries: 0,
    });
  });

  it('is none while the URL, the app id or the secret is missing', () => {
    expect(gatewayConfigFromEnv('realname', 'X', { X_APP_ID: 'a', X_SECRET: 's' })).toBeNull();
    expect(gatewayConfigFromEnv('realname', 'X', { X_URL: 'https://g.example/', X_SECRET: 's' })).toBeNull();
    expect(gatewayConfigFromEnv('realname', 'X', { X_URL: 'https://g.example/', X_APP_ID: 'a' })).toBeNull();
  });
});

describe('an https gateway', () => {
  it('is reached over TLS', async () => {
    const tls = createTlsServer({ cert: LOOPBACK_TLS.cert, key: LOOPBACK_TLS.key }, (req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () =>
        json(res, 200, { result: JSON.parse(body).name === '王建国' ? 'match' : 'mismatch' }),
      );
    });
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    const savedCa = globalAgent.options.ca;
    globalAgent.options.ca = LOOPBACK_TLS.cert;
    const restore = env('JXM_REALNAME', {
      JXM_REALNAME_URL: `https://127.0.0.1:${(tls.address() as AddressInfo).port}/verify`,
      JXM_REALNAME_RETRIES: '0',
    });
    try {
      await expect(gatewayRealnameVerifier.verify({ name: '王建国', idNumber: 'x' })).resolves.toBe('match');
    } finally {
      restore();
      globalAgent.options.ca = savedCa;
      await new Promise<void>((resolve) => tls.close(() => resolve()));
    }
  });
});
