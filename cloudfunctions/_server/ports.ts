/**
 * Ports to the world outside the database, and how a function finds its adapters.
 *
 * In WeChat Cloud each port has its production adapter. The local cloud hosts the same bundled functions in its
 * own process and hands them its stand-ins through one global (`__jxmLocalCloud`): the clock that `/dev/clock`
 * moves, and the external services that `/dev/faults` can take down. Use cases only ever see the ports.
 */

export interface Clock {
  now(): Date;
}

/** What the local cloud lends the functions it hosts. Grows with each external service (real-name, SMS…). */
export interface LocalCloudHooks {
  clock: Clock;
}

declare global {
  var __jxmLocalCloud: LocalCloudHooks | undefined;
}

export function localCloudHooks(): LocalCloudHooks | undefined {
  return globalThis.__jxmLocalCloud;
}

export const systemClock: Clock = { now: () => new Date() };

export function clock(): Clock {
  return localCloudHooks()?.clock ?? systemClock;
}
