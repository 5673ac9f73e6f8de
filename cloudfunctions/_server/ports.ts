/**
 * Ports to the world outside the database, and how a function finds its adapters.
 *
 * In WeChat Cloud each port has its production adapter. The local cloud hosts the same bundled functions in its
 * own process and hands them its stand-ins through one global (`__jxmLocalCloud`): the clock that `/dev/clock`
 * moves, and the external services that `/dev/faults` can take down. Use cases only ever see the ports.
 */

import type { NationalStatus } from '../../miniprogram/core/health-code.rules';

export interface Clock {
  now(): Date;
}

/** An external service did not answer (down, timed out, refused us): the caller falls back as documented. */
export class ServiceUnavailable extends Error {
  constructor(service: string) {
    super(`${service} unavailable`);
    this.name = 'ServiceUnavailable';
  }
}

/**
 * By name, not instanceof: each bundled function has its own copy of the class, and the local cloud's stand-ins
 * throw theirs.
 */
export function isServiceUnavailable(err: unknown): boolean {
  return err instanceof Error && err.name === 'ServiceUnavailable';
}

/** Real-name verification against the Ministry of Public Security's interface (regulation rule 2). */
export interface RealnameVerifier {
  /** Throws ServiceUnavailable when the service cannot answer. */
  verify(identity: { name: string; idNumber: string }): Promise<'match' | 'mismatch'>;
}

export interface NationalRecord {
  status: NationalStatus;
  quarantineUntil: Date | null;
  /** When the platform flagged (or cleared) the person; null when nothing was ever on record. */
  flaggedAt: Date | null;
}

/** The national government service platform's epidemic data (国家政务服务平台防疫数据核验, rule 4). */
export interface NationalHealthService {
  /** Throws ServiceUnavailable when the platform cannot answer. */
  check(identity: { idNumber: string; idHash: string }): Promise<NationalRecord>;
}

/** Sends one text message; throws when the gateway does not take it (the outbox retries). */
export interface SmsSender {
  send(message: {
    phone: string;
    template: string;
    text: string;
    params: Record<string, unknown>;
  }): Promise<void>;
}

/** A subscribe message the user has not accepted (WeChat errcode 43101): recorded as `refused`, never retried. */
export class PushRefused extends Error {
  constructor() {
    super('subscribe message refused by the user');
    this.name = 'PushRefused';
  }
}

/** By name, like isServiceUnavailable. */
export function isPushRefused(err: unknown): boolean {
  return err instanceof Error && err.name === 'PushRefused';
}

/**
 * Sends one WeChat subscribe message (订阅消息) to a user of the mini-program; throws PushRefused when the user has
 * not accepted the template, and anything else when WeChat does not take it (the push outbox retries).
 */
export interface PushSender {
  send(message: {
    openid: string;
    /** The template id (the environment's JXM_PUSH_TEMPLATE_ID in production). */
    template: string;
    /** The mini-program page the message opens. */
    page: string;
    data: Record<string, { value: string }>;
  }): Promise<void>;
}

/** WeChat's phone-number exchange: the code from a getPhoneNumber button → the user's own mobile. */
export interface PhoneNumberService {
  /** null when the code is not valid; throws ServiceUnavailable when WeChat cannot answer. */
  fromCode(code: string): Promise<string | null>;
}

/** What the local cloud lends the functions it hosts: its clock and its stand-ins for external services. */
export interface LocalCloudHooks {
  clock: Clock;
  realname: RealnameVerifier;
  national: NationalHealthService;
  sms: SmsSender;
  push: PushSender;
  phoneNumbers: PhoneNumberService;
}

declare global {
  var __jxmLocalCloud: LocalCloudHooks | undefined;
}

export function localCloudHooks(): LocalCloudHooks | undefined {
  return globalThis.__jxmLocalCloud;
}

export const systemClock: Clock = { now: () => new Date() };
