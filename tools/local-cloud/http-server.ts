/**
 * The local cloud's HTTP face (API.md section 1, "Local cloud"): the functions under /api/<function> with the
 * caller in `x-wx-openid`, and the development endpoints under /dev. Loopback only.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { shanghaiDate } from '../../miniprogram/core/calendar';
import { ERROR_MESSAGES, type ErrorCode, type FieldErrors } from '../../miniprogram/core/errors';
import { isPlainObject } from '../../miniprogram/core/validation';
import type { LocalCloud } from './local-cloud';

/** What the HTTP face needs of the local cloud. */
export type HttpDeps = Pick<
  LocalCloud,
  'clock' | 'faults' | 'sms' | 'push' | 'national' | 'functions' | 'runTimer'
>;
import { EXTERNAL_SERVICES, clockOffsetFor, nationalSettingFor, type ExternalService } from './services';

export const MAX_BODY_BYTES = 1024 * 1024;

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    readonly fields?: FieldErrors,
  ) {
    super(code);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function sendFailure(res: ServerResponse, failure: HttpFailure): void {
  const error: { code: ErrorCode; message: string; fields?: FieldErrors } = {
    code: failure.code,
    message: ERROR_MESSAGES[failure.code],
  };
  if (failure.fields) error.fields = failure.fields;
  send(res, failure.status, { ok: false, error });
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      reject(new HttpFailure(413, 'BAD_REQUEST', { body: 'tooLong' }));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () =>
      tooLarge
        ? reject(new HttpFailure(413, 'BAD_REQUEST', { body: 'tooLong' }))
        : resolve(Buffer.concat(chunks)),
    );
    req.on('error', reject);
  });
}

/** The body as a JSON object, or 400. */
async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  const raw = await readBody(req);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpFailure(400, 'BAD_REQUEST', { body: 'format' });
  }
  if (!isPlainObject(parsed)) throw new HttpFailure(400, 'BAD_REQUEST', { body: 'type' });
  return parsed;
}

export function createHttpServer(cloud: HttpDeps): Server {
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const parts = url.pathname.split('/').filter(Boolean);
    const method = req.method ?? 'GET';

    if (method === 'GET' && url.pathname === '/health') return send(res, 200, { ok: true });

    if (parts[0] === 'api' && parts.length === 2 && method === 'POST') {
      const fn = parts[1];
      if (!cloud.functions.has(fn)) throw new HttpFailure(404, 'UNKNOWN_ACTION');
      const openid = req.headers['x-wx-openid'];
      if (typeof openid !== 'string' || openid.trim() === '' || openid.length > 128) {
        throw new HttpFailure(401, 'NO_IDENTITY');
      }
      const event = await readJsonObject(req);
      return send(res, 200, await cloud.functions.invoke(fn, event, { openid: openid.trim() }));
    }

    if (parts[0] === 'dev') return handleDev(cloud, req, res, url, parts);
    throw new HttpFailure(404, 'UNKNOWN_ACTION');
  };

  return createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (err instanceof HttpFailure) return sendFailure(res, err);
      console.error(JSON.stringify({ event: 'http_failed', error: (err as Error)?.name ?? 'unknown' }));
      sendFailure(res, new HttpFailure(500, 'INTERNAL'));
    });
  });
}

async function handleDev(
  cloud: HttpDeps,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  parts: string[],
): Promise<void> {
  const method = req.method ?? 'GET';
  const [, endpoint, fn, trigger] = parts;

  if (endpoint === 'clock' && method === 'POST' && parts.length === 2) {
    const body = await readJsonObject(req);
    // bounded (±100 years, dates 1970–2100): an absurd clock would answer every call INTERNAL and spin the timers
    const setting = clockOffsetFor({ offsetMs: body.offsetMs, now: body.now });
    if ('fields' in setting) throw new HttpFailure(400, 'BAD_REQUEST', setting.fields);
    cloud.clock.offsetMs = setting.offsetMs;
    return send(res, 200, {
      ok: true,
      data: { now: cloud.clock.now().toISOString(), offsetMs: cloud.clock.offsetMs },
    });
  }

  if (endpoint === 'timers' && method === 'POST' && parts.length === 4) {
    const known = cloud.functions.triggers().some((t) => t.functionName === fn && t.name === trigger);
    if (!known) throw new HttpFailure(404, 'UNKNOWN_ACTION');
    return send(res, 200, await cloud.runTimer(fn, trigger));
  }

  if (endpoint === 'sms' && method === 'GET' && parts.length === 2) {
    const phone = url.searchParams.get('phone') ?? '';
    if (!/^\d{11}$/.test(phone)) throw new HttpFailure(400, 'BAD_REQUEST', { phone: 'format' });
    return send(res, 200, { ok: true, data: cloud.sms.sentTo(phone) });
  }

  if (endpoint === 'messages' && method === 'GET' && parts.length === 2) {
    // v1.1: the subscribe messages (alert pushes) the push sender was asked to send to that WeChat user
    const openid = url.searchParams.get('openid') ?? '';
    if (openid.length === 0 || openid.length > 128)
      throw new HttpFailure(400, 'BAD_REQUEST', { openid: 'required' });
    return send(res, 200, { ok: true, data: cloud.push.sentTo(openid) });
  }

  if (endpoint === 'national' && method === 'POST' && parts.length === 2) {
    // v1.1: what the national platform's stand-in answers for one ID number from now on, flagged now
    const checked = nationalSettingFor(await readJsonObject(req), shanghaiDate(cloud.clock.now()));
    if ('fields' in checked) throw new HttpFailure(400, 'BAD_REQUEST', checked.fields);
    const record = cloud.national.set(checked.setting);
    return send(res, 200, {
      ok: true,
      data: {
        status: record.status,
        quarantineUntil: record.quarantineUntil?.toISOString() ?? null,
        flaggedAt: record.flaggedAt?.toISOString() ?? null,
      },
    });
  }

  if (endpoint === 'faults' && method === 'POST' && parts.length === 2) {
    const body = await readJsonObject(req);
    const fields: FieldErrors = {};
    for (const key of Object.keys(body)) {
      if (!(EXTERNAL_SERVICES as readonly string[]).includes(key)) fields[key] = 'unknown';
      else if (body[key] !== 'up' && body[key] !== 'down') fields[key] = 'enum';
    }
    if (Object.keys(fields).length > 0) throw new HttpFailure(400, 'BAD_REQUEST', fields);
    for (const [service, state] of Object.entries(body))
      cloud.faults.set(service as ExternalService, state as 'up' | 'down');
    return send(res, 200, { ok: true, data: cloud.faults.snapshot() });
  }

  throw new HttpFailure(404, 'UNKNOWN_ACTION');
}
