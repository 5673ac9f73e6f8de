/**
 * The one place where the local cloud touches wx-server-sdk's insides.
 *
 * Everything above the transport is the real SDK: wx-server-sdk 4.0.2 → @cloudbase/node-sdk 3.17.2 →
 * @cloudbase/database 1.4.3. Two seams are swapped, and nothing else:
 *  - the database transport: `Db.reqClass` of @cloudbase/database, which node-sdk's `newDb()` assigns on every
 *    `cloud.database()`; it is pinned here to a class that hands each wire action to the embedded engine;
 *  - function calls: `CloudBase.prototype.callFunction` of node-sdk, routed to the in-process function host.
 * If an upgrade moves either seam, `checkSeam()` fails loudly instead of letting requests leak to the network.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const localRequire = createRequire(__filename);

export const PINNED = {
  'wx-server-sdk': '4.0.2',
  '@cloudbase/node-sdk': '3.17.2',
  '@cloudbase/database': '1.4.3',
} as const;

export interface SdkInternals {
  versions: Record<keyof typeof PINNED, string>;
  /** @cloudbase/database's Db class, as wx-server-sdk's own dependency tree resolves it. */
  Db: { reqClass: unknown; prototype: object };
  /** @cloudbase/node-sdk's CloudBase class. */
  CloudBase: { prototype: { callFunction: unknown } };
  newDbSource: string;
  /** @cloudbase/database's query.js, which builds its requester from Db.reqClass. */
  querySource: string;
}

function packageVersion(main: string): string {
  let dir = dirname(main);
  for (let i = 0; i < 5; i++) {
    try {
      return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
    } catch {
      dir = dirname(dir);
    }
  }
  return 'unknown';
}

export function resolveSdkInternals(): SdkInternals {
  const sdkMain = localRequire.resolve('wx-server-sdk');
  const nodeSdkMain = localRequire.resolve('@cloudbase/node-sdk', { paths: [dirname(sdkMain)] });
  const databaseMain = localRequire.resolve('@cloudbase/database', { paths: [dirname(nodeSdkMain)] });
  const nodeSdkDist = dirname(nodeSdkMain);
  return {
    versions: {
      'wx-server-sdk': packageVersion(sdkMain),
      '@cloudbase/node-sdk': packageVersion(nodeSdkMain),
      '@cloudbase/database': packageVersion(databaseMain),
    },
    Db: localRequire(databaseMain).Db,
    CloudBase: localRequire(join(nodeSdkDist, 'cloudbase.js')).CloudBase,
    newDbSource: readFileSync(join(nodeSdkDist, 'database', 'index.js'), 'utf8'),
    querySource: readFileSync(join(dirname(databaseMain), 'query.js'), 'utf8'),
  };
}

/** Problems with the seam, empty when the SDK is the one this local cloud was written against. */
export function checkSeam(internals: SdkInternals = resolveSdkInternals()): string[] {
  const problems: string[] = [];
  for (const [name, version] of Object.entries(PINNED)) {
    const found = internals.versions[name as keyof typeof PINNED];
    if (found !== version)
      problems.push(`${name} is ${found}, the local cloud is written against ${version}`);
  }
  if (typeof internals.Db !== 'function' || !/new \w+\.Db\.reqClass\(/.test(internals.querySource)) {
    problems.push('@cloudbase/database no longer builds its requests with Db.reqClass');
  }
  if (!/Db\.reqClass\s*=/.test(internals.newDbSource)) {
    problems.push("@cloudbase/node-sdk's newDb() no longer assigns Db.reqClass");
  }
  if (typeof internals.CloudBase?.prototype?.callFunction !== 'function') {
    problems.push('@cloudbase/node-sdk CloudBase.prototype.callFunction is gone');
  }
  return problems;
}

export type WireSend = (action: string, params: Record<string, unknown>) => Promise<Record<string, unknown>>;
export type FunctionCall = (name: string, data: Record<string, unknown>) => Promise<unknown>;

/**
 * Points the SDK's database transport at `send` and its function calls at `call`. Dummy credentials keep the
 * SDK from rejecting its own start-up (without them it raises an unhandled rejection that ends Node).
 */
export function installSeam(send: WireSend, call: FunctionCall): SdkInternals {
  const internals = resolveSdkInternals();
  const problems = checkSeam(internals);
  if (problems.length > 0) {
    throw new Error(
      `wx-server-sdk's transport seam has moved; the local cloud cannot run:\n- ${problems.join('\n- ')}`,
    );
  }
  process.env.TENCENTCLOUD_SECRETID ??= 'local-cloud';
  process.env.TENCENTCLOUD_SECRETKEY ??= 'local-cloud';
  process.env.TCB_ENV ??= 'local-cloud';

  class EmbeddedTransport {
    send(action: string, params?: Record<string, unknown>) {
      return send(action, params ?? {});
    }
  }
  Object.defineProperty(internals.Db, 'reqClass', {
    configurable: true,
    get: () => EmbeddedTransport,
    set: () => undefined, // newDb() assigns the HTTP requester on every cloud.database(); keep ours
  });
  internals.CloudBase.prototype.callFunction = async function callFunction(options: {
    name: string;
    data?: Record<string, unknown>;
  }) {
    const result = await call(options.name, options.data ?? {});
    return { requestId: `local-${Date.now().toString(36)}`, result };
  };
  return internals;
}
