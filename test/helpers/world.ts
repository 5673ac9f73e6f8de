/**
 * A small province for scan and records tests, built through the API as people would build it:
 *   initiator ─ senior (site 长春站) ─ intermediate ─ ordinary
 *             └ other senior (site 吉林站)
 * Every scanner holder is a registered citizen with a green code; `citizenWithCode` makes people to scan.
 */
import { hmacSha256Hex } from '../../cloudfunctions/_server/privacy/personal-data';
import { INITIATOR_POSITION_ID } from '../../cloudfunctions/_server/org/bootstrap';
import { renderCode } from '../../miniprogram/core/dynamic-code';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { personOf } from './identities';
import { call } from './local-cloud';

export const CHANGCHUN = { latitude: 43.9036, longitude: 125.3184 };
export const JILIN = { latitude: 43.8379, longitude: 126.5496 };

export interface Scanner {
  id: string;
  openid: string;
  name: string;
  idNumber: string;
  phone: string;
  /** The holder's own citizen record. */
  personId: string;
}

export interface World {
  initiator: { id: string; openid: string };
  senior: Scanner;
  intermediate: Scanner;
  ordinary: Scanner;
  otherSenior: Scanner;
  siteId: string;
  otherSiteId: string;
}

let next = 2000;

export async function register(cloud: LocalCloud, openid: string) {
  const identity = personOf(next++);
  const reply = await call<{ personId: string }>(
    cloud,
    'citizen',
    { action: 'register', ...identity },
    openid,
  );
  if (!reply.body.ok) throw new Error(`register failed: ${JSON.stringify(reply.body)}`);
  return { ...identity, personId: reply.body.data!.personId };
}

async function site(
  cloud: LocalCloud,
  openid: string,
  actingPositionId: string,
  name: string,
  at: typeof CHANGCHUN,
) {
  const reply = await call<{ siteId: string }>(
    cloud,
    'org',
    {
      action: 'createSite',
      actingPositionId,
      name,
      type: 'station',
      address: name,
      location: at,
      radiusM: 500,
    },
    openid,
  );
  return reply.body.data!.siteId;
}

async function scanner(
  cloud: LocalCloud,
  actor: { id: string; openid: string },
  siteId: string,
  role: string,
  openid: string,
): Promise<Scanner> {
  const holder = await register(cloud, openid);
  const created = await call<{ positionId: string; inviteCode: string }>(
    cloud,
    'org',
    {
      action: 'createPosition',
      actingPositionId: actor.id,
      siteId,
      role,
      holderName: holder.name,
      holderPhone: holder.phone,
    },
    actor.openid,
  );
  const claimed = await call(
    cloud,
    'org',
    { action: 'claim', inviteCode: created.body.data!.inviteCode },
    openid,
  );
  if (!claimed.body.ok) throw new Error(`claim failed: ${JSON.stringify(claimed.body)}`);
  return { id: created.body.data!.positionId, openid, ...holder };
}

export async function buildWorld(cloud: LocalCloud, initiatorOpenid: string, prefix: string): Promise<World> {
  const initiator = { id: INITIATOR_POSITION_ID, openid: initiatorOpenid };
  const siteId = await site(cloud, initiatorOpenid, initiator.id, '长春站', CHANGCHUN);
  const otherSiteId = await site(cloud, initiatorOpenid, initiator.id, '吉林站', JILIN);
  const senior = await scanner(cloud, initiator, siteId, 'senior', `${prefix}-senior`);
  const intermediate = await scanner(cloud, senior, siteId, 'intermediate', `${prefix}-intermediate`);
  const ordinary = await scanner(cloud, intermediate, siteId, 'ordinary', `${prefix}-ordinary`);
  const otherSenior = await scanner(cloud, initiator, otherSiteId, 'senior', `${prefix}-other`);
  return { initiator, senior, intermediate, ordinary, otherSenior, siteId, otherSiteId };
}

/**
 * A registered citizen and their current code; `qrAt(ms)` draws the JXM1 QR, `passQrAt(ms, pass?)` the JXM2 QR
 * with the signed pass (API.md 2.3; another pass if given, expired or not: what a phone or a forger could show).
 */
export async function citizenWithCode(cloud: LocalCloud, openid: string) {
  const identity = await register(cloud, openid);
  const code = await call<{ codeId: string; seed: string; pass: string }>(
    cloud,
    'citizen',
    { action: 'code' },
    openid,
  );
  const { codeId, seed, pass } = code.body.data!;
  return {
    ...identity,
    openid,
    codeId,
    seed,
    pass,
    qrAt: (ms: number) => renderCode(hmacSha256Hex, { codeId, seed }, ms),
    passQrAt: (ms: number, withPass = pass) =>
      `JXM2${renderCode(hmacSha256Hex, { codeId, seed }, ms).slice(4)}.${withPass}`,
  };
}

/** `by` disables the position `positionId` below it (org.disable, no cascade), as its superior does. */
export async function disableBelow(cloud: LocalCloud, by: Scanner, positionId: string) {
  const reply = await call(
    cloud,
    'org',
    { action: 'disable', actingPositionId: by.id, positionId, cascade: false, reason: '人员调整' },
    by.openid,
  );
  if (!reply.body.ok) throw new Error(`disable failed: ${JSON.stringify(reply.body)}`);
}

export async function onDuty(cloud: LocalCloud, who: Scanner, at = CHANGCHUN) {
  const reply = await call(
    cloud,
    'scan',
    { action: 'goOnDuty', positionId: who.id, location: at },
    who.openid,
  );
  if (!reply.body.ok) throw new Error(`goOnDuty failed: ${JSON.stringify(reply.body)}`);
}

/** The intermediate hands the world's ordinary position to `to` (replaceHolder), who claims it. */
export async function handOverOrdinary(
  cloud: LocalCloud,
  w: World,
  to: { name: string; phone: string; openid: string },
) {
  const replaced = await call<{ inviteCode: string }>(
    cloud,
    'org',
    {
      action: 'replaceHolder',
      actingPositionId: w.intermediate.id,
      positionId: w.ordinary.id,
      holderName: to.name,
      holderPhone: to.phone,
      reason: '调岗',
    },
    w.intermediate.openid,
  );
  if (!replaced.body.ok) throw new Error(`replaceHolder failed: ${JSON.stringify(replaced.body)}`);
  const claimed = await call(
    cloud,
    'org',
    { action: 'claim', inviteCode: replaced.body.data!.inviteCode },
    to.openid,
  );
  if (!claimed.body.ok) throw new Error(`claim failed: ${JSON.stringify(claimed.body)}`);
}

let scanSeq = 0;
export const newScanId = () => `scan-${Date.now().toString(36)}-${(scanSeq++).toString(36)}-0000`;
