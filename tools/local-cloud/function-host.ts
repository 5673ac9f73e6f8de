/**
 * Hosts the bundled cloud functions (cloudfunctions/<fn>/index.js, exactly what is uploaded) in this process.
 *
 * wx-server-sdk's getWXContext() reads the caller from environment variables, as WeChat Cloud sets them for each
 * invocation. Here many calls run at once in one process, so process.env is replaced by a view that answers the
 * WX_* keys from the current call's async context: every call, and every callFunction it makes, sees its own
 * fresh context, and nothing leaks between concurrent calls.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { TriggerSpec } from './timers';

export const LOCAL_APPID = 'wx-local-cloud';

type WxEnv = Record<string, string | undefined>;

const callContext = new AsyncLocalStorage<WxEnv>();
let envInstalled = false;

function installContextEnv(): void {
  if (envInstalled) return;
  envInstalled = true;
  const base = process.env;
  process.env = new Proxy(base, {
    get(target, key) {
      const ctx = callContext.getStore();
      if (ctx && typeof key === 'string' && key in ctx) return ctx[key];
      return Reflect.get(target, key);
    },
    set(target, key, value) {
      return Reflect.set(target, key, value);
    },
    has(target, key) {
      const ctx = callContext.getStore();
      if (ctx && typeof key === 'string' && key in ctx) return ctx[key] !== undefined;
      return Reflect.has(target, key);
    },
  });
}

/** The caller of one invocation: a WeChat user, or nobody for the platform's own calls (timers, bootstrap). */
export interface Caller {
  openid: string | null;
}

export function currentCaller(): Caller | null {
  const ctx = callContext.getStore();
  return ctx ? { openid: ctx.WX_OPENID ?? null } : null;
}

type CloudMain = (event: unknown, context: unknown) => Promise<unknown>;

export interface HostedFunction {
  name: string;
  main: CloudMain;
  triggers: TriggerSpec[];
}

export class FunctionHost {
  readonly functions = new Map<string, HostedFunction>();

  constructor(private readonly dir: string) {
    installContextEnv();
  }

  /** Loads every function folder that has a built index.js; returns the names. */
  load(): string[] {
    const load = createRequire(join(resolve(this.dir), 'noop.js'));
    for (const name of readdirSync(this.dir).sort()) {
      const folder = join(this.dir, name);
      if (name.startsWith('_') || !existsSync(join(folder, 'index.js'))) continue;
      const mod = load(join(resolve(folder), 'index.js')) as { main?: CloudMain };
      if (typeof mod.main !== 'function') throw new Error(`cloudfunctions/${name}/index.js exports no main`);
      this.functions.set(name, { name, main: mod.main, triggers: readTriggers(name, folder) });
    }
    return [...this.functions.keys()];
  }

  has(name: string): boolean {
    return this.functions.has(name);
  }

  triggers(): TriggerSpec[] {
    return [...this.functions.values()].flatMap((f) => f.triggers);
  }

  /** Runs one invocation as WeChat Cloud would: a fresh WX context, the event, the function's reply. */
  invoke(name: string, event: unknown, caller: Caller): Promise<unknown> {
    const fn = this.functions.get(name);
    if (!fn) return Promise.reject(new Error(`no cloud function named ${name}`));
    const env: WxEnv = {
      WX_CONTEXT_KEYS: 'WX_OPENID,WX_APPID,WX_UNIONID',
      WX_OPENID: caller.openid ?? undefined,
      WX_APPID: LOCAL_APPID,
      WX_UNIONID: undefined,
      TCB_SOURCE: caller.openid ? 'wx_client' : 'wx_trigger',
    };
    const context = { function_name: name, request_id: `local-${Date.now().toString(36)}` };
    return callContext.run(env, () => fn.main(event, context));
  }
}

function readTriggers(functionName: string, folder: string): TriggerSpec[] {
  const file = join(folder, 'config.json');
  if (!existsSync(file)) return [];
  const config = JSON.parse(readFileSync(file, 'utf8')) as {
    triggers?: Array<{ name: string; type: string; config: string }>;
  };
  return (config.triggers ?? [])
    .filter((t) => t.type === 'timer')
    .map((t) => ({ functionName, name: t.name, cron: t.config }));
}
