/**
 * Authorization matrix of the `org` function through the local cloud (regulation rules 6, 10, 12–14; API.md
 * sections 1–2 and `org`): every action × every acting role × a target inside or outside the actor's subtree ×
 * the acting position's status. Nobody may act outside their rights, and a refusal changes nothing.
 *
 * The tree, built once through the API only (createSite, createPosition, claim, disable, replaceHolder,
 * applySenior/reviewApplication):
 *
 *   initiator (root site)
 *   ├─ senior A (site A) ─┬─ intermediate A1 (site A1) ─┬─ ordinary A1a (site A1)
 *   │                     │                             ├─ ordinary A1b (site A1)
 *   │                     │                             ├─ disabled ordinary A1d   (disabled by intermediate A1)
 *   │                     │                             ├─ pending ordinary A1p    (invited, never claimed)
 *   │                     │                             └─ replaced ordinary A1r   (replaced by intermediate A1)
 *   │                     ├─ intermediate A2 (site A)
 *   │                     ├─ disabled intermediate Ad  (site A1, disabled by senior A) ─ its child, its disabled child
 *   │                     ├─ pending intermediate Ap   (site A1)
 *   │                     └─ replaced intermediate Ar  (site A1, replaced by senior A) ─ its child, its disabled child
 *   ├─ senior B (site B) ─── intermediate B1 (site B) ─── ordinary B1a (site B)
 *   ├─ disabled senior Sd (site D, disabled by the initiator) ─ its child, its disabled child
 *   ├─ pending senior Sp (site P)
 *   └─ replaced senior Sr (site R, replaced on an approved replacement application) ─ its child, its disabled child
 *
 *   sites: root ─┬─ A ─┬─ A1 ─ A1x      (A, B, A2, D, P, R made by the initiator; A1, A1x by senior A)
 *                │     └─ A2
 *                ├─ B
 *                └─ D, P, R          (API.md v1.1: a site has at most one senior, so each senior has its own)
 *
 * Every holder is a different registered citizen. Targets of replaceHolder, disable and activate are made fresh
 * for each case (created by their parent, claimed by one target citizen, disabled by the initiator when the case
 * needs a disabled target), so that cases do not interfere; only the actor itself, its superiors and an unknown id
 * are fixed targets, and every refusal is checked to have changed nothing. Every expectation follows from the rules, not from a
 * run of the code.
 */
import type { ApplicationDoc, SiteDoc } from '../../cloudfunctions/_server/db/documents';
import type { Role } from '../../miniprogram/core/org';
import type { Doc } from '../../tools/local-cloud/db/store';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { openLocalCloud, type HttpReply } from '../helpers/local-cloud';
import { OrgTree, type Citizen, type Held } from '../helpers/org-tree';

let cloud: LocalCloud;
let tree: OrgTree;

type Code = 'FORBIDDEN' | 'POSITION_DISABLED' | 'CONFLICT' | 'NOT_FOUND';
type Expected = 'ok' | Code;

// ---------------------------------------------------------------------------------------------------------------
// The tree: static names (for the case tables) and, once beforeAll has run, ids
// ---------------------------------------------------------------------------------------------------------------

type SiteKey = 'root' | 'A' | 'B' | 'A1' | 'A1x' | 'A2' | 'D' | 'P' | 'R' | 'unknown';
const SITE_LABEL: Record<SiteKey, string> = {
  root: 'the root site',
  A: 'site A',
  B: 'site B',
  A1: 'site A1',
  A1x: 'site A1x',
  A2: 'site A2',
  D: 'site D',
  P: 'site P',
  R: 'site R',
  unknown: 'an unknown site',
};
const sites = { unknown: 'site-does-not-exist' } as Record<SiteKey, string>;

/** The active actors of the matrix. */
type Actor = 'INIT' | 'SA' | 'SB' | 'IA' | 'IA2' | 'IB' | 'OA' | 'OA2' | 'OB';
/** Positions of the status dimension, their children, and an id that is no position. */
type Other =
  | 'Sd'
  | 'Id'
  | 'Od'
  | 'Sp'
  | 'Ip'
  | 'Op'
  | 'Sr'
  | 'Ir'
  | 'Or'
  | 'SdChild'
  | 'SdOff'
  | 'IdChild'
  | 'IdOff'
  | 'SrChild'
  | 'SrOff'
  | 'IrChild'
  | 'IrOff'
  | 'unknown';
type Ref = Actor | Other;

const LABEL: Record<Ref, string> = {
  INIT: 'the initiator',
  SA: 'senior A',
  SB: 'senior B',
  IA: 'intermediate A1',
  IA2: 'intermediate A2',
  IB: 'intermediate B1',
  OA: 'ordinary A1a',
  OA2: 'ordinary A1b',
  OB: 'ordinary B1a',
  Sd: 'disabled senior Sd',
  Id: 'disabled intermediate Ad',
  Od: 'disabled ordinary A1d',
  Sp: 'pending senior Sp',
  Ip: 'pending intermediate Ap',
  Op: 'pending ordinary A1p',
  Sr: 'replaced senior Sr',
  Ir: 'replaced intermediate Ar',
  Or: 'replaced ordinary A1r',
  SdChild: 'its child',
  SdOff: 'its disabled child',
  IdChild: 'its child',
  IdOff: 'its disabled child',
  SrChild: 'its former child',
  SrOff: 'its former disabled child',
  IrChild: 'its former child',
  IrOff: 'its former disabled child',
  unknown: 'an unknown position',
};

/** Position id and the openid that tries to act in it (for pending/replaced ones: see the status table). */
const pos = {} as Record<Ref, Held>;
let targetHolder: Citizen;
let pendingApplication: string;
let applicant: Citizen;
/** The fixed actors as they were after setup: nothing in the matrix may change them. */
let fixedAfterSetup: Record<string, unknown>;
let fixedDocs: Record<string, Doc>;
/** Cases after which a fixed actor had changed (each is repaired, so that one bug fails one case, not the rest). */
const broken: string[] = [];

// ---------------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------------

const positionDoc = (id: string) => tree.position(id);
const siteDoc = (id: string) => cloud.store.get('sites', id)!.doc as unknown as SiteDoc;
const outboxOf = (positionId: string) => cloud.store.find('sms_outbox', { positionId }).docs;
const byId = (a: Doc, b: Doc) => String(a._id).localeCompare(String(b._id));

/**
 * Everything a refused org call could have changed. The acting position's `lastActiveAt` is left out: an attempt
 * in one's own position counts as activity (rule 10's silent sweep), and the target is the actor in the
 * "itself" cases.
 */
function snapshot(actingPositionId?: string) {
  return {
    positions: cloud.store
      .find('positions', {})
      .docs.sort(byId)
      .map((d) => (d._id === actingPositionId ? { ...d, lastActiveAt: null } : d)),
    sites: cloud.store.count('sites'),
    invites: cloud.store.count('invites'),
    sms: cloud.store.count('sms_outbox'),
    applications: cloud.store.find('applications', {}).docs.sort(byId),
  };
}

/**
 * The reply must be that refusal, and nothing may have changed, least of all the target and its SMS. `actor`: the
 * acting position whose `lastActiveAt` may move (see snapshot); none for a strict check.
 */
async function expectRefusedUnchanged(
  code: string,
  targetId: string | null,
  run: () => Promise<HttpReply>,
  actor?: string,
) {
  const before = snapshot(actor);
  const targetBefore = targetId ? cloud.store.get('positions', targetId)?.doc : undefined;
  const smsBefore = targetId ? outboxOf(targetId).length : 0;
  const reply = await run();
  expect(reply.body).toMatchObject({ ok: false, error: { code } });
  if (targetId) {
    if (targetId !== actor) expect(cloud.store.get('positions', targetId)?.doc).toEqual(targetBefore);
    expect(outboxOf(targetId)).toHaveLength(smsBefore);
  }
  expect(snapshot(actor)).toEqual(before);
}

/** A target of replaceHolder/disable/activate: a position of the tree, or a fresh one made for the case. */
type Target =
  { ref: Ref; note: string } | { parent: Actor; role: Role; site: SiteKey; disabled: boolean; note: string };

const fixed = (ref: Ref, note: string): Target => ({ ref, note });
const fresh = (parent: Actor, role: Role, site: SiteKey, note: string): Target => ({
  parent,
  role,
  site,
  disabled: false,
  note,
});
const freshOff = (parent: Actor, role: Role, site: SiteKey, note: string): Target => ({
  parent,
  role,
  site,
  disabled: true,
  note,
});

/** "a senior", "an ordinary". */
const a = (role: Role) => `${/^[aeiou]/.test(role) ? 'an' : 'a'} ${role}`;

function targetLabel(t: Target): string {
  if ('ref' in t) return `${LABEL[t.ref]} (${t.note})`;
  return `a ${t.disabled ? 'disabled' : 'new'} ${t.role} of ${LABEL[t.parent]} at ${SITE_LABEL[t.site]} (${t.note})`;
}

/** Resolves a target: made by its parent, claimed by the target citizen, disabled by the initiator if asked. */
async function resolve(t: Target): Promise<string> {
  if ('ref' in t) return pos[t.ref].id;
  // a site has at most one senior (API.md v1.1): a fresh senior gets a fresh site, below the one the case names
  const siteId = t.role === 'senior' ? await tree.site(pos.INIT, '新开通单位', sites[t.site]) : sites[t.site];
  const made = await tree.held(pos[t.parent], siteId, t.role, targetHolder);
  if (t.disabled) await tree.disable(pos.INIT, made.id);
  expect(positionDoc(made.id).status).toBe(t.disabled ? 'disabled' : 'active');
  return made.id;
}

interface TargetCase {
  actor: Actor;
  target: Target;
  expected: Expected;
}
const tc = (actor: Actor, target: Target, expected: Expected): TargetCase => ({ actor, target, expected });

/** Every page of `subordinates`, or the refusal. */
async function listSubordinates(actor: Held, positionId?: string): Promise<{ code?: string; ids: string[] }> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (;;) {
    const reply: HttpReply<{ items: Array<{ positionId: string }>; next: string | null }> = await tree.org(
      actor.openid,
      {
        action: 'subordinates',
        actingPositionId: actor.id,
        limit: 100,
        ...(positionId === undefined ? {} : { positionId }),
        ...(cursor === null ? {} : { cursor }),
      },
    );
    if (!reply.body.ok) return { code: reply.body.error!.code, ids };
    ids.push(...reply.body.data!.items.map((i) => i.positionId));
    cursor = reply.body.data!.next;
    if (cursor === null) return { ids };
  }
}

const FIXED = ['INIT', 'SA', 'SB', 'IA', 'IA2', 'IB', 'OA', 'OA2', 'OB'] as const;
const fixedState = () =>
  Object.fromEntries(
    FIXED.map((k) => {
      const p = positionDoc(pos[k].id);
      return [k, { status: p.status, holder: p.holder, parentId: p.parentId, ancestors: p.ancestors }];
    }),
  );

// ---------------------------------------------------------------------------------------------------------------
// Setup
// ---------------------------------------------------------------------------------------------------------------

beforeAll(async () => {
  cloud = await openLocalCloud();
  tree = new OrgTree(cloud, 700);
  const INIT = tree.initiator;
  pos.INIT = INIT;
  sites.root = INIT.siteId;
  targetHolder = await tree.citizen('target-holder');
  const person = (openid: string) => tree.citizen(openid);

  sites.A = await tree.site(INIT, '长春市政务服务局');
  sites.B = await tree.site(INIT, '吉林市政务服务局');
  pos.SA = await tree.held(INIT, sites.A, 'senior', await person('holder-SA'));
  pos.SB = await tree.held(INIT, sites.B, 'senior', await person('holder-SB'));
  sites.A1 = await tree.site(pos.SA, '长春市政务服务局办公室');
  sites.A1x = await tree.site(pos.SA, '长春市政务服务局办公室档案室', sites.A1);
  sites.A2 = await tree.site(INIT, '长春市政务大厅', sites.A);
  pos.IA = await tree.held(pos.SA, sites.A1, 'intermediate', await person('holder-IA'));
  pos.IA2 = await tree.held(pos.SA, sites.A, 'intermediate', await person('holder-IA2'));
  pos.IB = await tree.held(pos.SB, sites.B, 'intermediate', await person('holder-IB'));
  pos.OA = await tree.held(pos.IA, sites.A1, 'ordinary', await person('holder-OA'));
  pos.OA2 = await tree.held(pos.IA, sites.A1, 'ordinary', await person('holder-OA2'));
  pos.OB = await tree.held(pos.IB, sites.B, 'ordinary', await person('holder-OB'));

  // disabled actors: held, claimed, each with a child and a disabled child where the role has any, then disabled
  // by their superior (without cascade: the children stay as they are)
  sites.D = await tree.site(INIT, '长春市某局');
  sites.P = await tree.site(INIT, '长春市某中心');
  sites.R = await tree.site(INIT, '长春市某委员会');
  pos.Sd = await tree.held(INIT, sites.D, 'senior', await person('holder-Sd'));
  pos.SdChild = await tree.held(pos.Sd, sites.D, 'intermediate', targetHolder);
  pos.SdOff = await tree.held(pos.Sd, sites.D, 'ordinary', targetHolder);
  await tree.disable(pos.Sd, pos.SdOff.id);
  await tree.disable(INIT, pos.Sd.id);
  pos.Id = await tree.held(pos.SA, sites.A1, 'intermediate', await person('holder-Id'));
  pos.IdChild = await tree.held(pos.Id, sites.A1, 'ordinary', targetHolder);
  pos.IdOff = await tree.held(pos.Id, sites.A1, 'ordinary', targetHolder);
  await tree.disable(pos.Id, pos.IdOff.id);
  await tree.disable(pos.SA, pos.Id.id);
  pos.Od = await tree.held(pos.IA, sites.A1, 'ordinary', await person('holder-Od'));
  await tree.disable(pos.IA, pos.Od.id);

  // pending actors: invited, never claimed; the invited citizen (registered, with the invited name) tries them
  const invitedOnly = async (key: 'Sp' | 'Ip' | 'Op', actor: Held, siteId: string, role: Role) => {
    const invited = await person(`holder-${key}`);
    const { positionId } = await tree.invite(actor, siteId, role, invited);
    pos[key] = { id: positionId, openid: invited.openid, role, siteId };
  };
  await invitedOnly('Sp', INIT, sites.P, 'senior');
  await invitedOnly('Ip', pos.SA, sites.A1, 'intermediate');
  await invitedOnly('Op', pos.IA, sites.A1, 'ordinary');

  // replaced actors: held, claimed, then replaced; the former holder tries them
  pos.Sr = await tree.held(INIT, sites.R, 'senior', await person('holder-Sr'));
  pos.SrChild = await tree.held(pos.Sr, sites.R, 'intermediate', targetHolder);
  pos.SrOff = await tree.held(pos.Sr, sites.R, 'ordinary', targetHolder);
  await tree.disable(pos.Sr, pos.SrOff.id);
  const newSenior = await person('holder-Sr-new');
  // rule 10: the initiator replaces a senior directly
  await tree.ok(INIT.openid, {
    action: 'replaceHolder',
    actingPositionId: INIT.id,
    positionId: pos.Sr.id,
    holderName: newSenior.name,
    holderPhone: newSenior.phone,
    reason: '岗位调整',
  });
  pos.Ir = await tree.held(pos.SA, sites.A1, 'intermediate', await person('holder-Ir'));
  pos.IrChild = await tree.held(pos.Ir, sites.A1, 'ordinary', targetHolder);
  pos.IrOff = await tree.held(pos.Ir, sites.A1, 'ordinary', targetHolder);
  await tree.disable(pos.Ir, pos.IrOff.id);
  const newIr = await person('holder-Ir-new');
  await tree.ok(pos.SA.openid, {
    action: 'replaceHolder',
    actingPositionId: pos.SA.id,
    positionId: pos.Ir.id,
    holderName: newIr.name,
    holderPhone: newIr.phone,
    reason: '岗位调整',
  });
  pos.Or = await tree.held(pos.IA, sites.A1, 'ordinary', await person('holder-Or'));
  const newOr = await person('holder-Or-new');
  await tree.ok(pos.IA.openid, {
    action: 'replaceHolder',
    actingPositionId: pos.IA.id,
    positionId: pos.Or.id,
    holderName: newOr.name,
    holderPhone: newOr.phone,
    reason: '岗位调整',
  });

  pos.unknown = { id: 'position-does-not-exist', openid: pos.SA.openid, role: 'senior', siteId: sites.A };

  applicant = await person('applicant');
  pendingApplication = await tree.applySenior(applicant);
  fixedAfterSetup = fixedState();
  fixedDocs = Object.fromEntries(FIXED.map((k) => [k, cloud.store.get('positions', pos[k].id)!.doc]));
}, 60_000);

afterAll(async () => {
  await cloud.close();
});

afterEach(() => {
  for (const k of FIXED) {
    const now = cloud.store.get('positions', pos[k].id)!.doc;
    const was = fixedDocs[k];
    const held = (d: Doc) => JSON.stringify([d.status, d.holder, d.currentInviteId, d.disabledReason]);
    if (held(now) === held(was)) continue;
    broken.push(`${LABEL[k]} after “${expect.getState().currentTestName}”`);
    cloud.store.replace('positions', now, { ...was, lastActiveAt: now.lastActiveAt });
  }
});

describe('the tree', () => {
  it('is built as drawn: active actors, disabled ones with their holders, pending and replaced ones holderless', () => {
    for (const k of ['INIT', 'SA', 'SB', 'IA', 'IA2', 'IB', 'OA', 'OA2', 'OB'] as const) {
      expect([k, positionDoc(pos[k].id).status, positionDoc(pos[k].id).holder.openid]).toEqual([
        k,
        'active',
        pos[k].openid,
      ]);
    }
    for (const k of ['Sd', 'Id', 'Od'] as const) {
      expect([k, positionDoc(pos[k].id).status, positionDoc(pos[k].id).holder.openid]).toEqual([
        k,
        'disabled',
        pos[k].openid,
      ]);
    }
    for (const k of ['Sp', 'Ip', 'Op', 'Sr', 'Ir', 'Or'] as const) {
      expect([k, positionDoc(pos[k].id).status, positionDoc(pos[k].id).holder.openid]).toEqual([
        k,
        'pending',
        null,
      ]);
    }
    expect(positionDoc(pos.SA.id)).toMatchObject({ parentId: pos.INIT.id, ancestors: [pos.INIT.id] });
    expect(positionDoc(pos.OA.id)).toMatchObject({
      parentId: pos.IA.id,
      ancestors: [pos.INIT.id, pos.SA.id, pos.IA.id],
    });
    expect(siteDoc(sites.A1x).ancestors).toEqual([sites.root, sites.A, sites.A1]);
    expect(siteDoc(sites.A2).ancestors).toEqual([sites.root, sites.A]);
    expect(positionDoc(pos.SdChild.id).status).toBe('active');
    expect(positionDoc(pos.SdOff.id).status).toBe('disabled');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// createSite
// ---------------------------------------------------------------------------------------------------------------

interface SiteCase {
  actor: Actor;
  parent?: SiteKey;
  note: string;
  expected: Expected;
  /** Where the new site must hang (the default parent is the actor's own site). */
  lands?: SiteKey;
}
const siteCases: SiteCase[] = [
  { actor: 'INIT', note: 'its own site, by default', expected: 'ok', lands: 'root' },
  { actor: 'INIT', parent: 'A', note: 'a senior’s site', expected: 'ok' },
  { actor: 'INIT', parent: 'A1x', note: 'deep in branch A', expected: 'ok' },
  { actor: 'INIT', parent: 'B', note: 'branch B', expected: 'ok' },
  { actor: 'INIT', parent: 'unknown', note: 'no such site', expected: 'FORBIDDEN' },
  { actor: 'SA', note: 'its own site, by default', expected: 'ok', lands: 'A' },
  { actor: 'SA', parent: 'A', note: 'its own site', expected: 'ok' },
  { actor: 'SA', parent: 'A1', note: 'below its site', expected: 'ok' },
  { actor: 'SA', parent: 'A1x', note: 'two levels below its site', expected: 'ok' },
  { actor: 'SA', parent: 'A2', note: 'below its site, made by the initiator', expected: 'ok' },
  { actor: 'SA', parent: 'root', note: 'above its site', expected: 'FORBIDDEN' },
  { actor: 'SA', parent: 'B', note: 'other branch', expected: 'FORBIDDEN' },
  { actor: 'SA', parent: 'unknown', note: 'no such site', expected: 'FORBIDDEN' },
  { actor: 'SB', note: 'its own site, by default', expected: 'ok', lands: 'B' },
  { actor: 'SB', parent: 'A1', note: 'other branch', expected: 'FORBIDDEN' },
  { actor: 'IA', note: 'its own site, by default', expected: 'FORBIDDEN' },
  { actor: 'IA', parent: 'A1', note: 'its own site', expected: 'FORBIDDEN' },
  { actor: 'IA', parent: 'A1x', note: 'below its site', expected: 'FORBIDDEN' },
  { actor: 'IB', parent: 'B', note: 'its own site', expected: 'FORBIDDEN' },
  { actor: 'OA', note: 'its own site, by default', expected: 'FORBIDDEN' },
  { actor: 'OA', parent: 'A1', note: 'its own site', expected: 'FORBIDDEN' },
  { actor: 'OB', parent: 'B', note: 'its own site', expected: 'FORBIDDEN' },
];

describe('createSite', () => {
  it.each(
    siteCases.map((c) => ({
      ...c,
      name: `${LABEL[c.actor]} creates a site under ${c.parent ? SITE_LABEL[c.parent] : 'no parentSiteId'} (${c.note}) → ${c.expected}`,
    })),
  )('$name', async ({ actor, parent, expected, lands }) => {
    const me = pos[actor];
    const run = () =>
      tree.org<{ siteId: string }>(me.openid, {
        action: 'createSite',
        actingPositionId: me.id,
        name: '测试站点',
        type: 'department',
        address: '吉林省长春市',
        location: { latitude: 43.88, longitude: 125.32 },
        ...(parent ? { parentSiteId: sites[parent] } : {}),
      });
    if (expected !== 'ok') return expectRefusedUnchanged(expected, null, run, me.id);
    const reply = await run();
    expect(reply.body).toMatchObject({ ok: true, data: { siteId: expect.any(String) } });
    const parentId = sites[lands ?? parent!];
    const made = siteDoc(reply.body.data!.siteId);
    expect(made.parentSiteId).toBe(parentId);
    expect(made.ancestors).toEqual([...siteDoc(parentId).ancestors, parentId]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// createPosition
// ---------------------------------------------------------------------------------------------------------------

interface PositionCase {
  actor: Actor;
  role: Role;
  site: SiteKey;
  note: string;
  expected: Expected;
}
const pc = (actor: Actor, role: Role, site: SiteKey, note: string, expected: Expected): PositionCase => ({
  actor,
  role,
  site,
  note,
  expected,
});
const positionCases: PositionCase[] = [
  pc('INIT', 'senior', 'A2', 'a site below the root without a senior', 'ok'),
  pc('INIT', 'senior', 'root', 'its own site', 'ok'),
  pc('INIT', 'senior', 'A1x', 'deep in branch A', 'ok'),
  // API.md v1.1: at most one senior per site, whatever its status
  pc('INIT', 'senior', 'A', 'a site that has its active senior', 'CONFLICT'),
  pc('INIT', 'senior', 'B', 'a site that has its active senior', 'CONFLICT'),
  pc('INIT', 'senior', 'D', 'a site whose senior is disabled', 'CONFLICT'),
  pc('INIT', 'senior', 'P', 'a site whose senior is pending', 'CONFLICT'),
  pc('INIT', 'senior', 'R', 'a site whose senior was replaced', 'CONFLICT'),
  pc('INIT', 'intermediate', 'A', 'the initiator creates seniors only', 'FORBIDDEN'),
  pc('INIT', 'ordinary', 'B', 'the initiator creates seniors only', 'FORBIDDEN'),
  pc('INIT', 'initiator', 'root', 'there is one initiator', 'FORBIDDEN'),
  pc('INIT', 'senior', 'unknown', 'no such site', 'FORBIDDEN'),
  pc('SA', 'intermediate', 'A', 'its own site', 'ok'),
  pc('SA', 'ordinary', 'A', 'its own site', 'ok'),
  pc('SA', 'intermediate', 'A1', 'below its site', 'ok'),
  pc('SA', 'ordinary', 'A1x', 'two levels below its site', 'ok'),
  pc('SA', 'intermediate', 'A2', 'below its site, made by the initiator', 'ok'),
  pc('SA', 'senior', 'A', 'its own site, but seniors are the initiator’s', 'FORBIDDEN'),
  pc('SA', 'initiator', 'A', 'its own site', 'FORBIDDEN'),
  pc('SA', 'intermediate', 'root', 'above its site', 'FORBIDDEN'),
  pc('SA', 'ordinary', 'B', 'other branch', 'FORBIDDEN'),
  pc('SA', 'intermediate', 'unknown', 'no such site', 'FORBIDDEN'),
  pc('SB', 'intermediate', 'B', 'its own site', 'ok'),
  pc('SB', 'ordinary', 'A', 'other branch', 'FORBIDDEN'),
  pc('IA', 'ordinary', 'A1', 'its own site', 'ok'),
  pc('IA', 'ordinary', 'A1x', 'below its site', 'ok'),
  pc('IA', 'intermediate', 'A1', 'its own site, but not its own role', 'FORBIDDEN'),
  pc('IA', 'senior', 'A1', 'its own site', 'FORBIDDEN'),
  pc('IA', 'ordinary', 'A', 'above its site', 'FORBIDDEN'),
  pc('IA', 'ordinary', 'A2', 'a sibling site', 'FORBIDDEN'),
  pc('IA', 'ordinary', 'B', 'other branch', 'FORBIDDEN'),
  pc('IA', 'ordinary', 'root', 'the root site', 'FORBIDDEN'),
  pc('IA2', 'ordinary', 'A', 'its own site', 'ok'),
  pc('IA2', 'ordinary', 'A1', 'below its site, where another intermediate works', 'ok'),
  pc('IB', 'ordinary', 'B', 'its own site', 'ok'),
  pc('IB', 'ordinary', 'A1', 'other branch', 'FORBIDDEN'),
  pc('OA', 'ordinary', 'A1', 'its own site', 'FORBIDDEN'),
  pc('OA', 'intermediate', 'A1', 'its own site', 'FORBIDDEN'),
  pc('OA', 'senior', 'A1', 'its own site', 'FORBIDDEN'),
  pc('OB', 'ordinary', 'B', 'its own site', 'FORBIDDEN'),
];

describe('createPosition', () => {
  it.each(
    positionCases.map((c) => ({
      ...c,
      name: `${LABEL[c.actor]} creates ${a(c.role)} at ${SITE_LABEL[c.site]} (${c.note}) → ${c.expected}`,
    })),
  )('$name', async ({ actor, role, site, expected }) => {
    const me = pos[actor];
    const run = () =>
      tree.org<{ positionId: string; inviteCode: string }>(me.openid, {
        action: 'createPosition',
        actingPositionId: me.id,
        siteId: sites[site],
        role,
        holderName: targetHolder.name,
        holderPhone: targetHolder.phone,
      });
    if (expected !== 'ok') return expectRefusedUnchanged(expected, null, run, me.id);
    const reply = await run();
    expect(reply.body).toMatchObject({
      ok: true,
      data: { positionId: expect.any(String), inviteCode: expect.any(String) },
    });
    const made = positionDoc(reply.body.data!.positionId);
    expect(made).toMatchObject({
      role,
      siteId: sites[site],
      parentId: me.id,
      ancestors: [...positionDoc(me.id).ancestors, me.id],
      status: 'pending',
    });
    expect(made.holder.openid).toBeNull();
    expect(outboxOf(made._id)).toHaveLength(1);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// replaceHolder
// ---------------------------------------------------------------------------------------------------------------

const replaceCases: TargetCase[] = [
  // rule 10: 发起扫码员 … 对现有高级扫码员进行更换
  tc('INIT', fresh('INIT', 'senior', 'A', 'its child, a senior'), 'ok'),
  tc('INIT', freshOff('INIT', 'senior', 'B', 'its child, a disabled senior'), 'ok'),
  tc('INIT', fresh('SA', 'intermediate', 'A1', 'its grandchild'), 'FORBIDDEN'),
  tc('INIT', fresh('IA', 'ordinary', 'A1', 'three levels below'), 'FORBIDDEN'),
  tc('INIT', fixed('INIT', 'itself'), 'FORBIDDEN'),
  tc('INIT', fixed('unknown', 'no such id'), 'FORBIDDEN'),
  tc('SA', fresh('SA', 'intermediate', 'A1', 'its child'), 'ok'),
  tc('SA', fresh('SA', 'ordinary', 'A', 'its child'), 'ok'),
  tc('SA', freshOff('SA', 'intermediate', 'A', 'its child'), 'ok'),
  tc('SA', fresh('IA', 'ordinary', 'A1', 'its grandchild'), 'FORBIDDEN'),
  tc('SA', fixed('SA', 'itself'), 'FORBIDDEN'),
  tc('SA', fixed('INIT', 'its superior'), 'FORBIDDEN'),
  tc('SA', fresh('INIT', 'senior', 'B', 'its sibling'), 'FORBIDDEN'),
  tc('SA', fresh('INIT', 'senior', 'A1', 'its sibling at a site below its own'), 'FORBIDDEN'),
  tc('SA', fresh('SB', 'intermediate', 'B', 'other branch'), 'FORBIDDEN'),
  tc('SA', fresh('IB', 'ordinary', 'B', 'other branch'), 'FORBIDDEN'),
  tc('SA', fixed('unknown', 'no such id'), 'FORBIDDEN'),
  tc('SB', fresh('SB', 'intermediate', 'B', 'its child'), 'ok'),
  tc('SB', fresh('SA', 'intermediate', 'A1', 'other branch'), 'FORBIDDEN'),
  tc('IA', fresh('IA', 'ordinary', 'A1', 'its child'), 'ok'),
  tc('IA', freshOff('IA', 'ordinary', 'A1', 'its child'), 'ok'),
  tc('IA', fixed('IA', 'itself'), 'FORBIDDEN'),
  tc('IA', fixed('SA', 'its superior'), 'FORBIDDEN'),
  tc('IA', fixed('INIT', 'above its superior'), 'FORBIDDEN'),
  tc('IA', fresh('SA', 'intermediate', 'A1', 'its sibling'), 'FORBIDDEN'),
  tc('IA', fresh('SA', 'ordinary', 'A1', 'its superior’s child at its own site'), 'FORBIDDEN'),
  tc('IA', fresh('IB', 'ordinary', 'B', 'other branch'), 'FORBIDDEN'),
  tc('IB', fresh('IB', 'ordinary', 'B', 'its child'), 'ok'),
  tc('IB', fresh('IA', 'ordinary', 'A1', 'other branch'), 'FORBIDDEN'),
  tc('OA', fresh('IA', 'ordinary', 'A1', 'its sibling'), 'FORBIDDEN'),
  tc('OA', fixed('OA', 'itself'), 'FORBIDDEN'),
  tc('OA', fixed('IA', 'its superior'), 'FORBIDDEN'),
  tc('OA', fresh('IB', 'ordinary', 'B', 'other branch'), 'FORBIDDEN'),
  tc('OB', fresh('IB', 'ordinary', 'B', 'its sibling'), 'FORBIDDEN'),
];

describe('replaceHolder', () => {
  it.each(
    replaceCases.map((c) => ({
      ...c,
      name: `${LABEL[c.actor]} replaces the holder of ${targetLabel(c.target)} → ${c.expected}`,
    })),
  )('$name', async ({ actor, target, expected }) => {
    const me = pos[actor];
    const targetId = await resolve(target);
    const newHolder = { name: '赵新岗', phone: '13700001111' };
    const run = () =>
      tree.org<{ inviteCode: string }>(me.openid, {
        action: 'replaceHolder',
        actingPositionId: me.id,
        positionId: targetId,
        holderName: newHolder.name,
        holderPhone: newHolder.phone,
        reason: '人员调整',
      });
    if (expected !== 'ok') return expectRefusedUnchanged(expected, targetId, run, me.id);
    const before = positionDoc(targetId);
    const smsBefore = outboxOf(targetId).length;
    const reply = await run();
    expect(reply.body).toMatchObject({ ok: true, data: { inviteCode: expect.any(String) } });
    const after = positionDoc(targetId);
    // the old holder loses it at once; the position stays where it was in the tree
    expect(before.holder.openid).toBe(targetHolder.openid);
    expect(after.holder.openid).toBeNull();
    expect(after.status).not.toBe('active');
    expect(after).toMatchObject({
      parentId: before.parentId,
      ancestors: before.ancestors,
      role: before.role,
    });
    // API.md v1.1: one SMS to the new holder, and one to the old holder (the account has passed to someone else)
    const count = (template: string) => outboxOf(targetId).filter((m) => m.template === template).length;
    expect(outboxOf(targetId)).toHaveLength(smsBefore + 2);
    expect([count('position_replaced'), count('position_handed_over')]).toEqual([1, 1]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// disable
// ---------------------------------------------------------------------------------------------------------------

const disableCases: TargetCase[] = [
  tc('INIT', fresh('INIT', 'senior', 'A', 'its child'), 'ok'),
  tc('INIT', fresh('SA', 'intermediate', 'A1', 'its grandchild'), 'ok'),
  tc('INIT', fresh('IA', 'ordinary', 'A1', 'three levels below'), 'ok'),
  tc('INIT', fresh('IB', 'ordinary', 'B', 'branch B'), 'ok'),
  tc('INIT', freshOff('INIT', 'senior', 'B', 'its child, already disabled'), 'CONFLICT'),
  tc('INIT', fixed('INIT', 'itself'), 'FORBIDDEN'),
  tc('INIT', fixed('unknown', 'no such id'), 'FORBIDDEN'),
  tc('SA', fresh('SA', 'intermediate', 'A1', 'its child'), 'ok'),
  tc('SA', fresh('SA', 'ordinary', 'A', 'its child'), 'ok'),
  tc('SA', fresh('IA', 'ordinary', 'A1', 'its grandchild'), 'ok'),
  tc('SA', freshOff('SA', 'intermediate', 'A1', 'its child, already disabled'), 'CONFLICT'),
  tc('SA', fixed('SA', 'itself'), 'FORBIDDEN'),
  tc('SA', fixed('INIT', 'its superior'), 'FORBIDDEN'),
  tc('SA', fresh('INIT', 'senior', 'B', 'its sibling'), 'FORBIDDEN'),
  tc('SA', fresh('INIT', 'senior', 'A1', 'its sibling at a site below its own'), 'FORBIDDEN'),
  tc('SA', fresh('SB', 'intermediate', 'B', 'other branch'), 'FORBIDDEN'),
  tc('SA', fresh('IB', 'ordinary', 'B', 'other branch'), 'FORBIDDEN'),
  tc('SA', freshOff('IB', 'ordinary', 'B', 'other branch, already disabled'), 'FORBIDDEN'),
  tc('SA', fixed('unknown', 'no such id'), 'FORBIDDEN'),
  tc('SB', fresh('SB', 'intermediate', 'B', 'its child'), 'ok'),
  tc('SB', fresh('SA', 'intermediate', 'A1', 'other branch'), 'FORBIDDEN'),
  tc('IA', fresh('IA', 'ordinary', 'A1', 'its child'), 'ok'),
  tc('IA', freshOff('IA', 'ordinary', 'A1', 'its child, already disabled'), 'CONFLICT'),
  tc('IA', fixed('IA', 'itself'), 'FORBIDDEN'),
  tc('IA', fixed('SA', 'its superior'), 'FORBIDDEN'),
  tc('IA', fixed('INIT', 'above its superior'), 'FORBIDDEN'),
  tc('IA', fresh('SA', 'intermediate', 'A', 'its sibling'), 'FORBIDDEN'),
  tc('IA', fresh('SA', 'ordinary', 'A1', 'its superior’s child at its own site'), 'FORBIDDEN'),
  tc('IA', fresh('IB', 'ordinary', 'B', 'other branch'), 'FORBIDDEN'),
  tc('IA', freshOff('IB', 'ordinary', 'B', 'other branch, already disabled'), 'FORBIDDEN'),
  tc('IB', fresh('IB', 'ordinary', 'B', 'its child'), 'ok'),
  tc('IB', fresh('IA', 'ordinary', 'A1', 'other branch'), 'FORBIDDEN'),
  tc('OA', fresh('IA', 'ordinary', 'A1', 'its sibling'), 'FORBIDDEN'),
  tc('OA', fresh('IA', 'ordinary', 'A1x', 'its sibling at a site below its own'), 'FORBIDDEN'),
  tc('OA', fixed('OA', 'itself'), 'FORBIDDEN'),
  tc('OA', fixed('IA', 'its superior'), 'FORBIDDEN'),
  tc('OA', fresh('IB', 'ordinary', 'B', 'other branch'), 'FORBIDDEN'),
  tc('OA', freshOff('IA', 'ordinary', 'A1', 'its sibling, already disabled'), 'FORBIDDEN'),
  tc('OB', fresh('IB', 'ordinary', 'B', 'its sibling'), 'FORBIDDEN'),
];

describe('disable', () => {
  it.each(
    disableCases.map((c) => ({
      ...c,
      name: `${LABEL[c.actor]} disables ${targetLabel(c.target)} → ${c.expected}`,
    })),
  )('$name', async ({ actor, target, expected }) => {
    const me = pos[actor];
    const targetId = await resolve(target);
    const run = () =>
      tree.org<{ disabled: string[] }>(me.openid, {
        action: 'disable',
        actingPositionId: me.id,
        positionId: targetId,
        cascade: false,
        reason: '违规操作',
      });
    if (expected !== 'ok') return expectRefusedUnchanged(expected, targetId, run, me.id);
    const smsBefore = outboxOf(targetId).length;
    const reply = await run();
    expect(reply.body).toEqual({ ok: true, data: { disabled: [targetId] } });
    expect(positionDoc(targetId)).toMatchObject({ status: 'disabled', disabledReason: 'manual' });
    expect(outboxOf(targetId)).toHaveLength(smsBefore + 1);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// activate
// ---------------------------------------------------------------------------------------------------------------

const activateCases: TargetCase[] = [
  tc('INIT', freshOff('INIT', 'senior', 'A', 'its child'), 'ok'),
  tc('INIT', freshOff('SA', 'intermediate', 'A1', 'its grandchild'), 'ok'),
  tc('INIT', freshOff('IA', 'ordinary', 'A1', 'three levels below'), 'ok'),
  tc('INIT', freshOff('IB', 'ordinary', 'B', 'branch B'), 'ok'),
  tc('INIT', fresh('INIT', 'senior', 'A', 'its child, not disabled'), 'CONFLICT'),
  tc('INIT', fresh('IA', 'ordinary', 'A1', 'three levels below, not disabled'), 'CONFLICT'),
  tc('INIT', fixed('INIT', 'itself'), 'FORBIDDEN'),
  tc('INIT', fixed('unknown', 'no such id'), 'FORBIDDEN'),
  tc('SA', freshOff('SA', 'intermediate', 'A1', 'its child'), 'ok'),
  tc('SA', freshOff('SA', 'ordinary', 'A', 'its child'), 'ok'),
  tc('SA', fresh('SA', 'intermediate', 'A1', 'its child, not disabled'), 'CONFLICT'),
  tc('SA', freshOff('IA', 'ordinary', 'A1', 'its grandchild'), 'FORBIDDEN'),
  tc('SA', fresh('IA', 'ordinary', 'A1', 'its grandchild, not disabled'), 'FORBIDDEN'),
  tc('SA', fixed('SA', 'itself'), 'FORBIDDEN'),
  tc('SA', fixed('INIT', 'its superior'), 'FORBIDDEN'),
  tc('SA', freshOff('INIT', 'senior', 'A', 'its sibling'), 'FORBIDDEN'),
  tc('SA', freshOff('INIT', 'senior', 'A1', 'its sibling at a site below its own'), 'FORBIDDEN'),
  tc('SA', freshOff('SB', 'intermediate', 'B', 'other branch'), 'FORBIDDEN'),
  tc('SA', fresh('SB', 'intermediate', 'B', 'other branch, not disabled'), 'FORBIDDEN'),
  tc('SA', fixed('unknown', 'no such id'), 'FORBIDDEN'),
  tc('SB', freshOff('SB', 'intermediate', 'B', 'its child'), 'ok'),
  tc('SB', freshOff('SA', 'intermediate', 'A1', 'other branch'), 'FORBIDDEN'),
  tc('IA', freshOff('IA', 'ordinary', 'A1', 'its child'), 'ok'),
  tc('IA', fresh('IA', 'ordinary', 'A1', 'its child, not disabled'), 'CONFLICT'),
  tc('IA', fixed('IA', 'itself'), 'FORBIDDEN'),
  tc('IA', fixed('SA', 'its superior'), 'FORBIDDEN'),
  tc('IA', freshOff('SA', 'intermediate', 'A1', 'its sibling'), 'FORBIDDEN'),
  tc('IA', freshOff('SA', 'ordinary', 'A1', 'its superior’s child at its own site'), 'FORBIDDEN'),
  tc('IA', freshOff('IB', 'ordinary', 'B', 'other branch'), 'FORBIDDEN'),
  tc('IB', freshOff('IB', 'ordinary', 'B', 'its child'), 'ok'),
  tc('IB', freshOff('IA', 'ordinary', 'A1', 'other branch'), 'FORBIDDEN'),
  tc('OA', freshOff('IA', 'ordinary', 'A1', 'its sibling'), 'FORBIDDEN'),
  tc('OA', fixed('OA', 'itself'), 'FORBIDDEN'),
  tc('OA', fixed('IA', 'its superior'), 'FORBIDDEN'),
  tc('OA', freshOff('IB', 'ordinary', 'B', 'other branch'), 'FORBIDDEN'),
  tc('OB', freshOff('IB', 'ordinary', 'B', 'its sibling'), 'FORBIDDEN'),
];

describe('activate', () => {
  it.each(
    activateCases.map((c) => ({
      ...c,
      name: `${LABEL[c.actor]} activates ${targetLabel(c.target)} → ${c.expected}`,
    })),
  )('$name', async ({ actor, target, expected }) => {
    const me = pos[actor];
    const targetId = await resolve(target);
    const run = () =>
      tree.org(me.openid, { action: 'activate', actingPositionId: me.id, positionId: targetId });
    if (expected !== 'ok') return expectRefusedUnchanged(expected, targetId, run, me.id);
    const smsBefore = outboxOf(targetId).length;
    const reply = await run();
    expect(reply.body).toEqual({ ok: true, data: {} });
    // the target was claimed before it was disabled: it is active again, with its holder
    expect(positionDoc(targetId)).toMatchObject({ status: 'active', disabledReason: null });
    expect(positionDoc(targetId).holder.openid).toBe(targetHolder.openid);
    expect(outboxOf(targetId)).toHaveLength(smsBefore + 1);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// subordinates
// ---------------------------------------------------------------------------------------------------------------

interface SubordinatesCase {
  actor: Actor;
  of?: Ref;
  note?: string;
  expected: Expected;
  includes?: Ref[];
  excludes?: Ref[];
  empty?: boolean;
}
const subordinatesCases: SubordinatesCase[] = [
  {
    actor: 'INIT',
    expected: 'ok',
    includes: ['SA', 'SB', 'IA', 'OA', 'OB', 'Sd', 'Sp', 'Or'],
    excludes: ['INIT'],
  },
  { actor: 'INIT', of: 'INIT', note: 'itself', expected: 'ok', includes: ['SA', 'IB', 'OB'] },
  {
    actor: 'INIT',
    of: 'SA',
    note: 'its child',
    expected: 'ok',
    includes: ['IA', 'IA2', 'OA', 'OA2', 'Id', 'IdChild'],
    excludes: ['INIT', 'SA', 'SB', 'IB', 'OB', 'Sd'],
  },
  { actor: 'INIT', of: 'OB', note: 'three levels below', expected: 'ok', empty: true },
  { actor: 'INIT', of: 'unknown', note: 'no such id', expected: 'FORBIDDEN' },
  {
    actor: 'SA',
    expected: 'ok',
    includes: ['IA', 'IA2', 'OA', 'OA2', 'Od', 'Id', 'IdOff', 'Ir', 'IrChild'],
    excludes: ['INIT', 'SA', 'SB', 'IB', 'OB', 'Sd', 'SdChild'],
  },
  { actor: 'SA', of: 'SA', note: 'itself', expected: 'ok', includes: ['IA', 'OA'], excludes: ['SB', 'OB'] },
  {
    actor: 'SA',
    of: 'IA',
    note: 'its child',
    expected: 'ok',
    includes: ['OA', 'OA2', 'Od', 'Op', 'Or'],
    excludes: ['SA', 'IA', 'IA2', 'IdChild', 'OB'],
  },
  { actor: 'SA', of: 'OA', note: 'its grandchild', expected: 'ok', empty: true },
  { actor: 'SA', of: 'INIT', note: 'its superior', expected: 'FORBIDDEN' },
  { actor: 'SA', of: 'SB', note: 'its sibling', expected: 'FORBIDDEN' },
  { actor: 'SA', of: 'Sd', note: 'a sibling senior at its own site', expected: 'FORBIDDEN' },
  { actor: 'SA', of: 'IB', note: 'other branch', expected: 'FORBIDDEN' },
  { actor: 'SA', of: 'OB', note: 'other branch', expected: 'FORBIDDEN' },
  { actor: 'SA', of: 'unknown', note: 'no such id', expected: 'FORBIDDEN' },
  { actor: 'SB', expected: 'ok', includes: ['IB', 'OB'], excludes: ['SA', 'IA', 'OA', 'SB'] },
  { actor: 'SB', of: 'IA', note: 'other branch', expected: 'FORBIDDEN' },
  {
    actor: 'IA',
    expected: 'ok',
    includes: ['OA', 'OA2', 'Od', 'Op', 'Or'],
    excludes: ['IA', 'IA2', 'SA', 'OB', 'IdChild', 'IrChild'],
  },
  { actor: 'IA', of: 'OA', note: 'its child', expected: 'ok', empty: true },
  { actor: 'IA', of: 'SA', note: 'its superior', expected: 'FORBIDDEN' },
  { actor: 'IA', of: 'INIT', note: 'above its superior', expected: 'FORBIDDEN' },
  { actor: 'IA', of: 'IA2', note: 'its sibling', expected: 'FORBIDDEN' },
  { actor: 'IA', of: 'OB', note: 'other branch', expected: 'FORBIDDEN' },
  { actor: 'IB', expected: 'ok', includes: ['OB'], excludes: ['IB', 'OA'] },
  { actor: 'IB', of: 'OA', note: 'other branch', expected: 'FORBIDDEN' },
  { actor: 'OA', expected: 'ok', empty: true },
  { actor: 'OA', of: 'OA', note: 'itself', expected: 'ok', empty: true },
  { actor: 'OA', of: 'IA', note: 'its superior', expected: 'FORBIDDEN' },
  { actor: 'OA', of: 'OA2', note: 'its sibling', expected: 'FORBIDDEN' },
  { actor: 'OA', of: 'INIT', note: 'the root', expected: 'FORBIDDEN' },
  { actor: 'OA', of: 'OB', note: 'other branch', expected: 'FORBIDDEN' },
  { actor: 'OB', expected: 'ok', empty: true },
  { actor: 'OB', of: 'OA', note: 'other branch', expected: 'FORBIDDEN' },
];

describe('subordinates', () => {
  it.each(
    subordinatesCases.map((c) => ({
      ...c,
      name: `${LABEL[c.actor]} lists ${c.of ? `what is below ${LABEL[c.of]} (${c.note})` : 'what is below itself (no positionId)'} → ${c.expected}${c.empty ? ' (empty)' : ''}`,
    })),
  )('$name', async ({ actor, of, expected, includes, excludes, empty }) => {
    const me = pos[actor];
    const listed = await listSubordinates(me, of ? pos[of].id : undefined);
    if (expected !== 'ok') {
      expect(listed).toEqual({ code: expected, ids: [] });
      return;
    }
    expect(listed.code).toBeUndefined();
    // the whole subtree of that position, each position once
    const root = of ? pos[of].id : me.id;
    const subtree = cloud.store.find('positions', { ancestors: root }).docs.map((d) => String(d._id));
    expect([...listed.ids].sort()).toEqual(subtree.sort());
    expect(new Set(listed.ids).size).toBe(listed.ids.length);
    if (empty) expect(listed.ids).toEqual([]);
    for (const k of includes ?? []) expect(listed.ids).toContain(pos[k].id);
    for (const k of excludes ?? []) expect(listed.ids).not.toContain(pos[k].id);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// applications, reviewApplication
// ---------------------------------------------------------------------------------------------------------------

const NON_INITIATORS: Actor[] = ['SA', 'SB', 'IA', 'IB', 'OA', 'OB'];

describe('applications', () => {
  it('the initiator lists the applications → ok', async () => {
    const reply = await tree.org<{ items: Array<{ applicationId: string }> }>(pos.INIT.openid, {
      action: 'applications',
      actingPositionId: pos.INIT.id,
      status: 'pending',
      limit: 100,
    });
    expect(reply.body.ok).toBe(true);
    expect(reply.body.data!.items.map((i) => i.applicationId)).toContain(pendingApplication);
  });

  it.each(
    NON_INITIATORS.map((actor) => ({ actor, name: `${LABEL[actor]} lists the applications → FORBIDDEN` })),
  )('$name', async ({ actor }) => {
    const me = pos[actor];
    const reply = await tree.org(me.openid, { action: 'applications', actingPositionId: me.id });
    expect(reply.body).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});

describe('reviewApplication', () => {
  const application = (id: string) => cloud.store.get('applications', id)!.doc as unknown as ApplicationDoc;

  it('the initiator reviews an unknown application → NOT_FOUND', async () => {
    await expectRefusedUnchanged(
      'NOT_FOUND',
      null,
      () =>
        tree.org(pos.INIT.openid, {
          action: 'reviewApplication',
          actingPositionId: pos.INIT.id,
          applicationId: 'application-does-not-exist',
          approve: true,
        }),
      pos.INIT.id,
    );
  });

  it('the initiator rejects a pending application → ok', async () => {
    const id = await tree.applySenior(applicant);
    const reply = await tree.org(pos.INIT.openid, {
      action: 'reviewApplication',
      actingPositionId: pos.INIT.id,
      applicationId: id,
      approve: false,
      comment: '材料不全',
    });
    expect(reply.body).toEqual({ ok: true, data: {} });
    expect(application(id)).toMatchObject({ status: 'rejected', reviewedBy: pos.INIT.id });
  });

  it.each(
    NON_INITIATORS.map((actor) => ({
      actor,
      name: `${LABEL[actor]} approves a pending senior application → FORBIDDEN`,
    })),
  )('$name', async ({ actor }) => {
    const me = pos[actor];
    await expectRefusedUnchanged('FORBIDDEN', null, () =>
      tree.org(me.openid, {
        action: 'reviewApplication',
        actingPositionId: me.id,
        applicationId: pendingApplication,
        approve: true,
      }),
    );
    expect(application(pendingApplication).status).toBe('pending');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The acting position's status: disabled, pending (never claimed), replaced, someone else's, unknown
// ---------------------------------------------------------------------------------------------------------------

interface Impostor {
  label: string;
  /** The position named as actingPositionId. */
  position: Ref;
  /** Whose openid calls. */
  caller: Ref;
  site: SiteKey;
  /** A direct child (what a holder of that role would legitimately replace or disable), and a disabled one. */
  child: Ref;
  off: Ref;
  expected: Code;
}
const impostors: Impostor[] = [
  {
    label: 'disabled senior Sd (its own holder)',
    position: 'Sd',
    caller: 'Sd',
    site: 'D',
    child: 'SdChild',
    off: 'SdOff',
    expected: 'POSITION_DISABLED',
  },
  {
    label: 'disabled intermediate Ad (its own holder)',
    position: 'Id',
    caller: 'Id',
    site: 'A1',
    child: 'IdChild',
    off: 'IdOff',
    expected: 'POSITION_DISABLED',
  },
  {
    label: 'disabled ordinary A1d (its own holder)',
    position: 'Od',
    caller: 'Od',
    site: 'A1',
    child: 'OA',
    off: 'IdOff',
    expected: 'POSITION_DISABLED',
  },
  {
    label: 'pending senior Sp (its invited, never-claimed holder)',
    position: 'Sp',
    caller: 'Sp',
    site: 'P',
    child: 'IA',
    off: 'Id',
    expected: 'FORBIDDEN',
  },
  {
    label: 'pending intermediate Ap (its invited, never-claimed holder)',
    position: 'Ip',
    caller: 'Ip',
    site: 'A1',
    child: 'OA',
    off: 'Od',
    expected: 'FORBIDDEN',
  },
  {
    label: 'pending ordinary A1p (its invited, never-claimed holder)',
    position: 'Op',
    caller: 'Op',
    site: 'A1',
    child: 'OA2',
    off: 'Od',
    expected: 'FORBIDDEN',
  },
  {
    label: 'replaced senior Sr (its former holder)',
    position: 'Sr',
    caller: 'Sr',
    site: 'R',
    child: 'SrChild',
    off: 'SrOff',
    expected: 'FORBIDDEN',
  },
  {
    label: 'replaced intermediate Ar (its former holder)',
    position: 'Ir',
    caller: 'Ir',
    site: 'A1',
    child: 'IrChild',
    off: 'IrOff',
    expected: 'FORBIDDEN',
  },
  {
    label: 'replaced ordinary A1r (its former holder)',
    position: 'Or',
    caller: 'Or',
    site: 'A1',
    child: 'OA',
    off: 'Od',
    expected: 'FORBIDDEN',
  },
  {
    label: 'senior A (in the hands of ordinary B1a’s holder)',
    position: 'SA',
    caller: 'OB',
    site: 'A',
    child: 'IA',
    off: 'Id',
    expected: 'FORBIDDEN',
  },
  {
    label: 'intermediate A1 (in the hands of the initiator’s holder)',
    position: 'IA',
    caller: 'INIT',
    site: 'A1',
    child: 'OA',
    off: 'Od',
    expected: 'FORBIDDEN',
  },
  {
    label: 'an unknown position (in the hands of senior A’s holder)',
    position: 'unknown',
    caller: 'SA',
    site: 'A',
    child: 'IA',
    off: 'Id',
    expected: 'FORBIDDEN',
  },
];

const ROLE_OF: Record<Ref, Role> = {
  INIT: 'initiator',
  SA: 'senior',
  SB: 'senior',
  IA: 'intermediate',
  IA2: 'intermediate',
  IB: 'intermediate',
  OA: 'ordinary',
  OA2: 'ordinary',
  OB: 'ordinary',
  Sd: 'senior',
  Id: 'intermediate',
  Od: 'ordinary',
  Sp: 'senior',
  Ip: 'intermediate',
  Op: 'ordinary',
  Sr: 'senior',
  Ir: 'intermediate',
  Or: 'ordinary',
  SdChild: 'intermediate',
  SdOff: 'ordinary',
  IdChild: 'ordinary',
  IdOff: 'ordinary',
  SrChild: 'intermediate',
  SrOff: 'ordinary',
  IrChild: 'ordinary',
  IrOff: 'ordinary',
  unknown: 'senior',
};
/** What a position of that role could create if it were active (an ordinary: nothing; it tries an ordinary). */
const CREATES: Record<Role, Role> = {
  initiator: 'senior',
  senior: 'intermediate',
  intermediate: 'ordinary',
  ordinary: 'ordinary',
  agency: 'ordinary',
};

const IMPOSTOR_ACTIONS = [
  'createSite',
  'createPosition',
  'replaceHolder',
  'disable',
  'activate',
  'subordinates',
  'applications',
  'reviewApplication',
] as const;
type ImpostorAction = (typeof IMPOSTOR_ACTIONS)[number];

function impostorPhrase(action: ImpostorAction, i: Impostor): string {
  const child =
    LABEL[i.child] === 'its child' || LABEL[i.child].startsWith('its ') ? LABEL[i.child] : LABEL[i.child];
  switch (action) {
    case 'createSite':
      return 'creates a site under its own site';
    case 'createPosition':
      return `creates ${a(CREATES[ROLE_OF[i.position]])} at ${SITE_LABEL[i.site]}`;
    case 'replaceHolder':
      return `replaces the holder of ${child}`;
    case 'disable':
      return `disables ${child}`;
    case 'activate':
      return `activates ${LABEL[i.off]}`;
    case 'subordinates':
      return 'lists its subordinates';
    case 'applications':
      return 'lists the applications';
    case 'reviewApplication':
      return 'approves a pending senior application';
  }
}

/** The request, and the position it would change (if any). */
function impostorRequest(
  action: ImpostorAction,
  i: Impostor,
): { body: Record<string, unknown>; target: string | null } {
  const acting = { action, actingPositionId: pos[i.position].id };
  switch (action) {
    case 'createSite':
      return {
        body: {
          ...acting,
          name: '冒用站点',
          type: 'department',
          address: '吉林省长春市',
          location: { latitude: 43.88, longitude: 125.32 },
        },
        target: null,
      };
    case 'createPosition':
      return {
        body: {
          ...acting,
          siteId: sites[i.site],
          role: CREATES[ROLE_OF[i.position]],
          holderName: targetHolder.name,
          holderPhone: targetHolder.phone,
        },
        target: null,
      };
    case 'replaceHolder':
      return {
        body: {
          ...acting,
          positionId: pos[i.child].id,
          holderName: '钱冒用',
          holderPhone: '13700002222',
          reason: 'x',
        },
        target: pos[i.child].id,
      };
    case 'disable':
      return {
        body: { ...acting, positionId: pos[i.child].id, cascade: true, reason: 'x' },
        target: pos[i.child].id,
      };
    case 'activate':
      return { body: { ...acting, positionId: pos[i.off].id }, target: pos[i.off].id };
    case 'subordinates':
      return { body: acting, target: null };
    case 'applications':
      return { body: acting, target: null };
    case 'reviewApplication':
      return { body: { ...acting, applicationId: pendingApplication, approve: true }, target: null };
  }
}

describe('acting position status: disabled → POSITION_DISABLED; pending, replaced, not one’s own → FORBIDDEN', () => {
  it.each(
    impostors.flatMap((i) =>
      IMPOSTOR_ACTIONS.map((action) => ({
        i,
        action,
        name: `${i.label} ${impostorPhrase(action, i)} → ${i.expected}`,
      })),
    ),
  )('$name', async ({ i, action }) => {
    const { body, target } = impostorRequest(action, i);
    // strict: the refused acting position itself must not change either (not even its lastActiveAt)
    await expectRefusedUnchanged(i.expected, target, () => tree.org(pos[i.caller].openid, body));
  });
});

// ---------------------------------------------------------------------------------------------------------------
// cascade, claim, applySenior
// ---------------------------------------------------------------------------------------------------------------

describe('disable with cascade', () => {
  /** A fresh intermediate under senior A with two ordinaries (one already disabled) and one pending invitation. */
  async function subtree() {
    const mid = await tree.held(pos.SA, sites.A1, 'intermediate', targetHolder);
    const leaf1 = await tree.held(mid, sites.A1, 'ordinary', targetHolder);
    const leaf2 = await tree.held(mid, sites.A1, 'ordinary', targetHolder);
    const invited = await tree.invite(mid, sites.A1, 'ordinary', targetHolder);
    await tree.disable(mid, leaf2.id);
    return { mid, leaf1, leaf2, invitedId: invited.positionId };
  }

  it('senior A disables a new intermediate of its own with cascade → the target first, then all below it', async () => {
    const { mid, leaf1, leaf2, invitedId } = await subtree();
    const outside = snapshot();
    const reply = await tree.org<{ disabled: string[] }>(pos.SA.openid, {
      action: 'disable',
      actingPositionId: pos.SA.id,
      positionId: mid.id,
      cascade: true,
      reason: '整改',
    });
    expect(reply.body.ok).toBe(true);
    const disabled = reply.body.data!.disabled;
    expect(disabled[0]).toBe(mid.id);
    expect([...disabled].sort()).toEqual([mid.id, leaf1.id, invitedId].sort());
    for (const id of [mid.id, leaf1.id, leaf2.id, invitedId]) expect(positionDoc(id).status).toBe('disabled');
    expect(positionDoc(leaf1.id).disabledReason).toBe('cascade');
    // nothing outside the subtree changed
    const changed = new Set([mid.id, leaf1.id, invitedId, pos.SA.id]);
    const strip = (s: ReturnType<typeof snapshot>) => s.positions.filter((p) => !changed.has(String(p._id)));
    expect(strip(snapshot())).toEqual(strip(outside));
  });

  it('the initiator disables it three levels up with cascade → the whole subtree', async () => {
    const { mid, leaf1, invitedId } = await subtree();
    const reply = await tree.org<{ disabled: string[] }>(pos.INIT.openid, {
      action: 'disable',
      actingPositionId: pos.INIT.id,
      positionId: mid.id,
      cascade: true,
      reason: '整改',
    });
    expect(reply.body.ok).toBe(true);
    expect(reply.body.data!.disabled[0]).toBe(mid.id);
    expect([...reply.body.data!.disabled].sort()).toEqual([mid.id, leaf1.id, invitedId].sort());
  });

  it('without cascade only the target is disabled → what is below it keeps working', async () => {
    const { mid, leaf1, invitedId } = await subtree();
    expect(await tree.disable(pos.SA, mid.id, false)).toEqual([mid.id]);
    expect(positionDoc(leaf1.id).status).toBe('active');
    expect(positionDoc(invitedId).status).toBe('pending');
  });

  it('intermediate A1 disables senior A (its superior) with cascade → FORBIDDEN, nothing below it changes', async () => {
    await expectRefusedUnchanged(
      'FORBIDDEN',
      pos.SA.id,
      () =>
        tree.org(pos.IA.openid, {
          action: 'disable',
          actingPositionId: pos.IA.id,
          positionId: pos.SA.id,
          cascade: true,
          reason: 'x',
        }),
      pos.IA.id,
    );
  });

  it('senior A disables senior B (other branch) with cascade → FORBIDDEN, nothing in branch B changes', async () => {
    await expectRefusedUnchanged(
      'FORBIDDEN',
      pos.SB.id,
      () =>
        tree.org(pos.SA.openid, {
          action: 'disable',
          actingPositionId: pos.SA.id,
          positionId: pos.SB.id,
          cascade: true,
          reason: 'x',
        }),
      pos.SA.id,
    );
  });
});

describe('claim and applySenior (no acting position)', () => {
  it('an unregistered caller applies for a senior position → NOT_REGISTERED, no application', async () => {
    const before = cloud.store.count('applications');
    const reply = await tree.org('never-registered', {
      action: 'applySenior',
      unitName: '长春市测试局',
      uscc: '91350100M000100Y43',
      siteType: 'gov',
      address: '吉林省长春市',
      location: { latitude: 43.88, longitude: 125.32 },
      applicantName: '孙未注',
      applicantPhone: '13700003333',
    });
    expect(reply.body).toMatchObject({ ok: false, error: { code: 'NOT_REGISTERED' } });
    expect(cloud.store.count('applications')).toBe(before);
  });

  it('a registered citizen holding no position applies for a senior position → ok', async () => {
    const someone = await tree.citizen('plain-citizen');
    const id = await tree.applySenior(someone);
    expect(cloud.store.get('applications', id)!.doc).toMatchObject({ status: 'pending' });
  });

  it('an unregistered caller claims a valid invitation → NOT_REGISTERED, the position stays pending', async () => {
    const { positionId, inviteCode } = await tree.invite(pos.IA, sites.A1, 'ordinary', targetHolder);
    await expectRefusedUnchanged('NOT_REGISTERED', positionId, () =>
      tree.org('never-registered', { action: 'claim', inviteCode }),
    );
    expect(positionDoc(positionId)).toMatchObject({ status: 'pending', holder: { openid: null } });
  });

  it('a registered citizen with another name claims an invitation → INVITE_INVALID, the position stays pending', async () => {
    const { positionId, inviteCode } = await tree.invite(pos.IA, sites.A1, 'ordinary', targetHolder);
    const other = await tree.citizen('other-name');
    expect(other.name).not.toBe(targetHolder.name);
    await expectRefusedUnchanged('INVITE_INVALID', positionId, () =>
      tree.org(other.openid, { action: 'claim', inviteCode }),
    );
  });
});

describe('afterwards', () => {
  it('no case changed a fixed position of the tree (status, holder, place)', () => {
    expect(broken).toEqual([]);
    expect(fixedState()).toEqual(fixedAfterSetup);
  });
});
