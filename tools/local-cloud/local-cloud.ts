/**
 * The embedded local cloud (DESIGN.md section 3): the real wx-server-sdk over the embedded database, the same
 * bundled functions that are uploaded, their timer triggers, the stand-ins for external services, and the HTTP
 * face of API.md section 1 — all in one process, on loopback.
 */
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { COLLECTION_NAMES, COLLECTIONS } from '../../cloudfunctions/_server/db/collections';
import { DatabaseEngine } from './db/engine';
import { Store } from './db/store';
import { FunctionHost, currentCaller } from './function-host';
import { createHttpServer } from './http-server';
import { exportKeysToEnv, loadOrCreateKeys } from './keys';
import { REPO_ROOT } from './repo-root';
import { installSeam } from './sdk-seam';
import {
  Faults,
  LocalClock,
  LocalNationalService,
  LocalPhoneNumbers,
  LocalRealnameVerifier,
  LocalPushSender,
  LocalSmsSender,
  LOCAL_PUSH_TEMPLATE,
} from './services';
import { TimerScheduler } from './timers';
import { WireMeter } from './wire-meter';

export interface LocalCloudOptions {
  /** Where the database and the local keys live (JXM_DATA_DIR). */
  dataDir: string;
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  port: number;
  /** The folder of the built functions; cloudfunctions/ by default. */
  functionsDir?: string;
  /** Bootstrap openid (JXM_BOOTSTRAP_OPENID); null skips the bootstrap. */
  bootstrapOpenid: string | null;
  /** Fire timer triggers on schedule (tests turn this off and use /dev/timers). */
  timers: boolean;
  /**
   * Simulated network time per database round trip, in ms (production's 5–20 ms); by default
   * `JXM_DB_TRIP_DELAY_MS`, else 0.
   */
  tripDelayMs?: number;
}

export interface LocalCloud {
  url: string;
  port: number;
  store: Store;
  engine: DatabaseEngine;
  /** Counts the database round trips of a measured call; its delayMs simulates the network. */
  meter: WireMeter;
  clock: LocalClock;
  faults: Faults;
  sms: LocalSmsSender;
  /** The alert pushes (subscribe messages) asked for, for /dev/messages (API.md v1.1). */
  push: LocalPushSender;
  /** The national platform's stand-in (POST /dev/national). */
  national: LocalNationalService;
  functions: FunctionHost;
  keysCreated: boolean;
  runTimer(functionName: string, trigger: string): Promise<unknown>;
  close(): Promise<void>;
}

export { REPO_ROOT };

export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const { keys, created: keysCreated } = loadOrCreateKeys(dataDir);
  exportKeysToEnv(keys);

  const store = new Store(join(dataDir, 'cloud.db'), COLLECTIONS);
  for (const name of COLLECTION_NAMES) store.createCollection(name);

  const clock = new LocalClock();
  const faults = new Faults();
  const sms = new LocalSmsSender(clock, faults);
  const realname = new LocalRealnameVerifier(faults);
  // what POST /dev/national set, else normal: the province's risk list is a source of its own (API.md 4, v1.1)
  const national = new LocalNationalService(faults, clock);
  const push = new LocalPushSender(clock, faults);
  process.env.JXM_PUSH_TEMPLATE_ID ??= LOCAL_PUSH_TEMPLATE;
  globalThis.__jxmLocalCloud = {
    clock,
    realname,
    national,
    sms,
    push,
    phoneNumbers: new LocalPhoneNumbers(),
  };

  const engine = new DatabaseEngine(store, () => clock.nowMs());
  const meter = new WireMeter(
    (action, params) => engine.send(action, params),
    options.tripDelayMs ?? tripDelayFromEnv(),
  );
  const functions = new FunctionHost(options.functionsDir ?? join(REPO_ROOT, 'cloudfunctions'));
  installSeam(
    meter.transport,
    // cloud.callFunction from inside a function: in-process, with the calling invocation's caller
    (name, data) => functions.invoke(name, data, currentCaller() ?? { openid: null }),
  );
  functions.load();

  const runTimer = (functionName: string, trigger: string) =>
    functions.invoke(
      functionName,
      { Type: 'Timer', TriggerName: trigger, Time: clock.now().toISOString() },
      { openid: null },
    );

  if (options.bootstrapOpenid && functions.has('org')) {
    const reply = (await functions.invoke(
      'org',
      { $system: 'bootstrap', openid: options.bootstrapOpenid },
      { openid: null },
    )) as {
      ok: boolean;
    };
    if (!reply?.ok) throw new Error(`bootstrap failed: ${JSON.stringify(reply)}`);
  }

  const scheduler = new TimerScheduler(
    functions.triggers(),
    () => clock.nowMs(),
    async (t) => {
      const reply = (await runTimer(t.functionName, t.name)) as { ok?: boolean };
      console.log(
        JSON.stringify({ event: 'timer', fn: t.functionName, trigger: t.name, ok: Boolean(reply?.ok) }),
      );
    },
  );
  if (options.timers) scheduler.start();

  const server: Server = createHttpServer({ clock, faults, sms, push, national, functions, runTimer });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolveListen());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    store,
    engine,
    meter,
    clock,
    faults,
    sms,
    push,
    national,
    functions,
    keysCreated,
    runTimer,
    async close() {
      scheduler.stop();
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
      store.close();
      if (globalThis.__jxmLocalCloud?.clock === clock) globalThis.__jxmLocalCloud = undefined;
    },
  };
}

/** `JXM_DB_TRIP_DELAY_MS`: a whole number of milliseconds from 0 to 1000, else no delay. */
export function tripDelayFromEnv(raw = process.env.JXM_DB_TRIP_DELAY_MS): number {
  const ms = Number(raw);
  return raw !== undefined && /^\d+$/.test(raw.trim()) && ms <= 1000 ? ms : 0;
}
