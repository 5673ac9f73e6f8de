/**
 * A cloud function's `main`: resolve the caller from getWXContext(), check the request against the action's
 * schema, run the action's use case, and answer with the envelope of API.md section 1. Nothing else.
 *
 * - unknown action → UNKNOWN_ACTION; params of the wrong type or shape → BAD_REQUEST with `fields`;
 * - a DomainError → its code; anything unexpected → INTERNAL, logged without personal data;
 * - invocations without an OPENID are the platform's own (timer triggers, the local cloud's bootstrap):
 *   they may only reach `timers` and `system` handlers, never an action.
 */
import { type Envelope } from '../../miniprogram/core/errors';
import { type FunctionName } from '../../miniprogram/core/contracts/functions';
import { isPlainObject, validate, type Schema } from '../../miniprogram/core/validation';
import { callerOpenid, database, type CloudDatabase } from './cloud';
import { DomainError, failure, ok } from './envelope';
import { logFailure } from './log';
import { type Clock } from './ports';
import { resolvePorts, type Ports } from './services';

/** A platform invocation (no caller): a timer trigger or a system task. */
export interface SystemContext {
  /** The time of the request, from the clock port (moved by /dev/clock locally). */
  now: Date;
  clock: Clock;
  db: CloudDatabase;
  ports: Ports;
}

/** Everything a use case may rely on for one call. */
export interface RequestContext extends SystemContext {
  /** The caller, from getWXContext() only. */
  openid: string;
}

export interface ActionDefinition<P, D> {
  params: Schema<P>;
  handle(params: P, ctx: RequestContext): Promise<D>;
}

export function defineAction<P, D>(
  params: Schema<P>,
  handle: (params: P, ctx: RequestContext) => Promise<D>,
) {
  return { params, handle } satisfies ActionDefinition<P, D>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyAction = ActionDefinition<any, unknown>;

export type SystemHandler = (event: Record<string, unknown>, ctx: SystemContext) => Promise<unknown>;

export interface FunctionDefinition {
  name: FunctionName;
  actions: Record<string, AnyAction>;
  /** Timer triggers by name (config.json `triggers`). */
  timers?: Record<string, SystemHandler>;
  /** Platform tasks by name, reached with `{ $system: name }` and no caller. */
  system?: Record<string, SystemHandler>;
}

/** Fields the platform adds to every call's data: not parameters. */
const PLATFORM_FIELDS = new Set(['action', 'userInfo']);

export type CloudFunctionMain = (event: unknown, context?: unknown) => Promise<Envelope<unknown>>;

export function createFunction(definition: FunctionDefinition): CloudFunctionMain {
  return async function main(event: unknown): Promise<Envelope<unknown>> {
    try {
      const openid = callerOpenid();
      if (!openid) return await runSystem(definition, event);
      if (!isPlainObject(event)) return failure('BAD_REQUEST', undefined, { _: 'type' });
      const { action } = event;
      if (action === undefined || action === null)
        return failure('BAD_REQUEST', undefined, { action: 'required' });
      if (typeof action !== 'string') return failure('BAD_REQUEST', undefined, { action: 'type' });
      const definitionOfAction = Object.prototype.hasOwnProperty.call(definition.actions, action)
        ? definition.actions[action]
        : undefined;
      if (!definitionOfAction) return failure('UNKNOWN_ACTION');

      const params: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(event)) if (!PLATFORM_FIELDS.has(key)) params[key] = value;
      const checked = validate(definitionOfAction.params, params);
      if (!checked.ok) return failure('BAD_REQUEST', undefined, checked.fields);

      const ctx: RequestContext = { ...systemContext(), openid };
      return ok(await definitionOfAction.handle(checked.value, ctx));
    } catch (err) {
      if (err instanceof DomainError) return failure(err.code, err.message, err.fields);
      logFailure('action_failed', err, { fn: definition.name, action: actionName(event) });
      return failure('INTERNAL');
    }
  };
}

function actionName(event: unknown): string {
  const action = isPlainObject(event) ? event.action : undefined;
  return typeof action === 'string' ? action.slice(0, 40) : '-';
}

async function runSystem(definition: FunctionDefinition, event: unknown): Promise<Envelope<unknown>> {
  if (!isPlainObject(event)) return failure('NO_IDENTITY');
  let handler: SystemHandler | undefined;
  if (event.Type === 'Timer' && typeof event.TriggerName === 'string') {
    handler = definition.timers?.[event.TriggerName];
  } else if (typeof event.$system === 'string') {
    handler = definition.system?.[event.$system];
  } else {
    // a client call always carries an OPENID; without one, nobody may run an action
    return failure('NO_IDENTITY');
  }
  if (!handler) return failure('UNKNOWN_ACTION');
  return ok(await handler(event, systemContext()));
}

function systemContext(): SystemContext {
  const ports = resolvePorts();
  return { now: ports.clock.now(), clock: ports.clock, db: database(), ports };
}
