/**
 * Rule 15 (API.md v1.1): the anomalies reach the departments of their region and are handled there. A fever scanned
 * at a market in 长春市朝阳区 is an open alert on the desk of 长春市's agency (有关部门) and a subscribe message in
 * /dev/messages within the same call — never on 吉林市's; with the push service down it goes out at the first
 * pushDispatch after it is up, once. The agency handles it (audited, once), reveals the person behind it under a
 * grant, sees no scan lists and cannot scan; its figures per district come from the same scans.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  AlertDoc,
  AuditDoc,
  PositionDoc,
  PushOutboxDoc,
} from '../../cloudfunctions/_server/db/documents';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { call, hangNextSend, openLocalCloud, runTimer, type HttpReply } from '../helpers/local-cloud';
import { OrgTree, type Held } from '../helpers/org-tree';
import { CHANGCHUN, citizenWithCode, newScanId, onDuty, register, type Scanner } from '../helpers/world';

const INITIATOR = 'agency-initiator';
let cloud: LocalCloud;
let tree: OrgTree;
let market: string;
let changchunAgency: Held;
let jilinAgency: Held;
let provinceAgency: Held;
let gate: Scanner;

const codeOf = (reply: HttpReply) => (reply.body.ok ? 'ok' : reply.body.error!.code);

async function site(name: string, type: string, regionCode: string, location = CHANGCHUN): Promise<string> {
  const data = await tree.ok<{ siteId: string }>(INITIATOR, {
    action: 'createSite',
    actingPositionId: tree.initiator.id,
    name,
    type,
    address: name,
    location,
    radiusM: 500,
    regionCode,
  });
  return data.siteId;
}

async function agencyAt(siteId: string, openid: string): Promise<Held> {
  const holder = await tree.citizen(openid);
  return tree.held(tree.initiator, siteId, 'agency', holder);
}

const records = <T = Record<string, unknown>>(who: { openid: string }, body: Record<string, unknown>) =>
  call<T>(cloud, 'records', body, who.openid);

type AlertItem = {
  alertId: string;
  kind: string;
  status: string;
  site: { id: string; name: string };
  scanId?: string;
  person?: { name: string };
  handled?: { outcome: string; note: string | null; by: { positionId: string; name: string } };
};

async function alertsOf(who: Held, extra: Record<string, unknown> = {}): Promise<AlertItem[]> {
  const reply = await records<{ items: AlertItem[] }>(who, {
    action: 'alerts',
    actingPositionId: who.id,
    limit: 100,
    ...extra,
  });
  if (!reply.body.ok) throw new Error(JSON.stringify(reply.body));
  return reply.body.data!.items;
}

type Message = {
  openid: string;
  template: string;
  page: string;
  data: Record<string, { value: string }>;
  status: string;
};
const messagesTo = async (openid: string): Promise<Message[]> =>
  (
    (await (await fetch(`${cloud.url}/dev/messages?openid=${encodeURIComponent(openid)}`)).json()) as {
      data: Message[];
    }
  ).data;

async function faults(state: Record<string, 'up' | 'down'>) {
  const res = await fetch(`${cloud.url}/dev/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(state),
  });
  expect(res.status).toBe(200);
}

/** A citizen scanned at the market's gate with this temperature; the scan's id. */
async function scanAtMarket(temperature: number): Promise<string> {
  const person = await citizenWithCode(cloud, `agency-person-${newScanId()}`);
  const scanId = newScanId();
  const reply = await call(
    cloud,
    'scan',
    {
      action: 'record',
      positionId: gate.id,
      scanId,
      qr: person.qrAt(cloud.clock.nowMs()),
      temperature,
      location: CHANGCHUN,
    },
    gate.openid,
  );
  if (!reply.body.ok) throw new Error(JSON.stringify(reply.body));
  return scanId;
}

beforeAll(async () => {
  cloud = await openLocalCloud({ bootstrapOpenid: INITIATOR });
  tree = new OrgTree(cloud, 9100, { ...new OrgTree(cloud, 0).initiator, openid: INITIATOR });
  // 长春市朝阳区's market, and the health departments of 长春市, 吉林市 and the province
  market = await site('朝阳区红旗农贸市场', 'market', '220104');
  changchunAgency = await agencyAt(await site('长春市卫生健康委员会', 'gov', '220100'), 'agency-cc');
  jilinAgency = await agencyAt(await site('吉林市卫生健康委员会', 'gov', '220200'), 'agency-jl');
  provinceAgency = await agencyAt(await site('吉林省卫生健康委员会', 'gov', '220000'), 'agency-prov');
  // the market's senior at the gate
  const holder = await register(cloud, 'agency-gate');
  const senior = await tree.held(tree.initiator, market, 'senior', {
    openid: 'agency-gate',
    name: holder.name,
    phone: holder.phone,
  });
  gate = { ...holder, id: senior.id, openid: 'agency-gate' };
  await onDuty(cloud, gate);
});

afterAll(async () => {
  await faults({ push: 'up' });
  await cloud.close();
});

describe('a fever at a market in 长春市朝阳区', () => {
  let scanId: string;

  beforeAll(async () => {
    scanId = await scanAtMarket(38.2);
  });

  it('is an open alert on the desk of 长春市’s agency and of the province’s, and not on 吉林市’s', async () => {
    const cc = await alertsOf(changchunAgency);
    expect(cc.filter((a) => a.scanId === scanId)).toEqual([
      expect.objectContaining({
        kind: 'fever',
        status: 'open',
        site: { id: market, name: '朝阳区红旗农贸市场' },
      }),
    ]);
    expect((await alertsOf(provinceAgency)).map((a) => a.scanId)).toContain(scanId);
    expect((await alertsOf(jilinAgency)).map((a) => a.scanId)).not.toContain(scanId);
  });

  it('was pushed once, within the same call, to 长春市’s and the province’s agency holders — site, kind, time, no person', async () => {
    const cc = (await messagesTo('agency-cc')).filter((m) => m.data.thing1.value === '朝阳区红旗农贸市场');
    expect(cc).toHaveLength(1);
    expect(cc[0]).toMatchObject({
      template: 'local-alert-template',
      page: 'admin/agency/agency',
      status: 'sent',
      data: { phrase2: { value: '体温异常' } },
    });
    expect(cc[0].data.time3.value).toMatch(/^\d{4}年\d{2}月\d{2}日 \d{2}:\d{2}$/);
    // no personal data: the site, the kind, the time and a fixed hint, nothing else
    expect(cc[0].data.thing1.value).toBe('朝阳区红旗农贸市场');
    expect(Object.keys(cc[0].data).sort()).toEqual(['phrase2', 'thing1', 'thing4', 'time3']);
    expect(cc[0].data.thing4.value).toBe('请登录吉事办有关部门工作台处置');
    for (const field of Object.values(cc[0].data)) expect([...field.value].length).toBeLessThanOrEqual(20);
    expect(await messagesTo('agency-prov')).toHaveLength(1);
    expect(await messagesTo('agency-jl')).toEqual([]);
    // the outbox row is done, with each recipient sent once
    const row = cloud.store.get('push_outbox', scanId)!.doc as unknown as PushOutboxDoc;
    expect(row.status).toBe('done');
    expect(row.recipients!.map((r) => [r.positionId, r.status]).sort()).toEqual(
      [
        [changchunAgency.id, 'sent'],
        [provinceAgency.id, 'sent'],
      ].sort(),
    );
  });

  it('is handled by 长春市’s agency with an outcome and a note, audited, and only once', async () => {
    const [alert] = (await alertsOf(changchunAgency)).filter((a) => a.scanId === scanId);
    // 吉林市's agency may not; an ordinary scanner may not
    expect(
      codeOf(
        await records(jilinAgency, {
          action: 'handleAlert',
          actingPositionId: jilinAgency.id,
          alertId: alert.alertId,
          outcome: 'contacted',
        }),
      ),
    ).toBe('FORBIDDEN');
    expect(
      codeOf(
        await records(gate, {
          action: 'handleAlert',
          actingPositionId: gate.id,
          alertId: alert.alertId,
          outcome: 'other',
        }),
      ),
    ).toBe('FORBIDDEN');
    const handled = await records(changchunAgency, {
      action: 'handleAlert',
      actingPositionId: changchunAgency.id,
      alertId: alert.alertId,
      outcome: 'isolated',
      note: '已联系社区，居家隔离观察',
    });
    expect(handled.body).toMatchObject({ ok: true, data: { status: 'handled' } });
    const again = await records(provinceAgency, {
      action: 'handleAlert',
      actingPositionId: provinceAgency.id,
      alertId: alert.alertId,
      outcome: 'cleared',
    });
    expect(again.body.error).toMatchObject({ code: 'CONFLICT', message: '该异常已处置' });

    const [after] = (await alertsOf(changchunAgency, { status: 'handled' })).filter(
      (a) => a.scanId === scanId,
    );
    expect(after).toMatchObject({
      status: 'handled',
      handled: {
        outcome: 'isolated',
        note: '已联系社区，居家隔离观察',
        by: { positionId: changchunAgency.id },
      },
    });
    // who handled it, masked as everywhere else
    const handler = cloud.store.get('positions', changchunAgency.id)!.doc as unknown as PositionDoc;
    expect(handler.holder.masked!.name).toMatch(/^.\*+$/);
    expect(after.handled!.by.name).toBe(handler.holder.masked!.name);
    expect((await alertsOf(changchunAgency, { status: 'open' })).map((a) => a.scanId)).not.toContain(scanId);
    const audits = (
      cloud.store.find('audit', { target: alert.alertId }).docs as unknown as AuditDoc[]
    ).filter((a) => a.action === 'records.handleAlert');
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      actorPositionId: changchunAgency.id,
      details: { outcome: 'isolated' },
    });
    // the scanners above the gate see it handled too
    const atGate = (await alertsOf(gate as unknown as Held)).find((a) => a.scanId === scanId);
    expect(atGate?.status).toBe('handled');
  });

  it('lets 长春市’s agency reveal the person behind it under a grant, and not 吉林市’s', async () => {
    const ask = (who: Held) =>
      records<{ name: string }>(who, {
        action: 'reveal',
        actingPositionId: who.id,
        scanId,
        reason: '联络发热人员',
      });
    expect(codeOf(await ask(changchunAgency))).toBe('NO_GRANT');
    for (const who of [changchunAgency, jilinAgency]) {
      const granted = await records(tree.initiator, {
        action: 'grantReveal',
        actingPositionId: tree.initiator.id,
        granteePositionId: who.id,
        reason: '流调联络',
        expiresAt: new Date(cloud.clock.nowMs() + 24 * 3600_000).toISOString(),
      });
      expect(granted.body.ok).toBe(true);
    }
    const revealed = await ask(changchunAgency);
    expect(revealed.body.ok).toBe(true);
    expect(revealed.body.data!.name).not.toContain('*');
    expect(codeOf(await ask(jilinAgency))).toBe('FORBIDDEN');
  });
});

describe('an agency is not a scanner', () => {
  it('sees no scan lists and no stats, and cannot go on duty', async () => {
    const me = changchunAgency;
    expect(codeOf(await records(me, { action: 'scans', actingPositionId: me.id }))).toBe('FORBIDDEN');
    const period = { from: new Date(Date.now() - 3600_000).toISOString(), to: new Date().toISOString() };
    expect(codeOf(await records(me, { action: 'stats', actingPositionId: me.id, ...period }))).toBe(
      'FORBIDDEN',
    );
    const duty = await call(
      cloud,
      'scan',
      { action: 'goOnDuty', positionId: me.id, location: CHANGCHUN },
      me.openid,
    );
    expect(codeOf(duty)).toBe('ROLE_CANNOT_SCAN');
    expect(codeOf(await tree.org(me.openid, { action: 'subordinates', actingPositionId: me.id }))).toBe(
      'FORBIDDEN',
    );
  });

  it('is created by the initiator only: a senior cannot create one', async () => {
    const reply = await tree.org(gate.openid, {
      action: 'createPosition',
      actingPositionId: gate.id,
      siteId: market,
      role: 'agency',
      holderName: '张三',
      holderPhone: '13800000000',
    });
    expect(codeOf(reply)).toBe('FORBIDDEN');
  });
});

describe('pushes when the push service fails', () => {
  it('sends at the first pushDispatch after the service is up, once, and a refused template is not retried', async () => {
    await faults({ push: 'down' });
    const scanId = await scanAtMarket(38.5);
    // the alert is there at once; the push failed and waits
    expect((await alertsOf(changchunAgency)).map((a) => a.scanId)).toContain(scanId);
    const sentFor = async (openid: string) =>
      (await messagesTo(openid)).filter((m) => m.status === 'sent').length;
    const before = await sentFor('agency-cc');
    expect((cloud.store.get('push_outbox', scanId)!.doc as unknown as PushOutboxDoc).status).toBe('pending');

    // still down: the timer fails again, nothing is sent
    cloud.clock.set({ offsetMs: 61_000 });
    await runTimer(cloud, 'cron', 'pushDispatch');
    expect(await sentFor('agency-cc')).toBe(before);

    // the province's holder has not accepted the template: 43101, recorded, not retried
    cloud.push.refuseFor('agency-prov');
    await faults({ push: 'up' });
    cloud.clock.set({ offsetMs: 4 * 60_000 });
    const first = await runTimer<Record<string, number>>(cloud, 'cron', 'pushDispatch');
    expect(first.data).toMatchObject({ done: 1 });
    expect(await sentFor('agency-cc')).toBe(before + 1);
    const row = cloud.store.get('push_outbox', scanId)!.doc as unknown as PushOutboxDoc;
    expect(row.status).toBe('done');
    expect(row.recipients!.find((r) => r.positionId === provinceAgency.id)?.status).toBe('refused');

    // nothing is sent twice
    cloud.clock.set({ offsetMs: 30 * 60_000 });
    await runTimer(cloud, 'cron', 'pushDispatch');
    expect(await sentFor('agency-cc')).toBe(before + 1);
    expect((await messagesTo('agency-prov')).filter((m) => m.status === 'refused')).toHaveLength(1);
    cloud.push.refuseFor('agency-prov', false);
  });

  it('is not sent to a disabled agency, and reaches it again once activated', async () => {
    await tree.disable(tree.initiator, jilinAgency.id);
    await tree.disable(tree.initiator, changchunAgency.id);
    const before = (await messagesTo('agency-cc')).length;
    await scanAtMarket(39.0);
    expect((await messagesTo('agency-cc')).length).toBe(before);
    await tree.ok(INITIATOR, {
      action: 'activate',
      actingPositionId: tree.initiator.id,
      positionId: changchunAgency.id,
    });
    await tree.ok(INITIATOR, {
      action: 'activate',
      actingPositionId: tree.initiator.id,
      positionId: jilinAgency.id,
    });
    await scanAtMarket(39.1);
    expect((await messagesTo('agency-cc')).length).toBe(before + 1);
  });

  it('pushes a forced entry (rule 18) too, naming no one', async () => {
    const before = (await messagesTo('agency-cc')).length;
    const scanId = newScanId();
    const reply = await call(
      cloud,
      'scan',
      { action: 'refusal', positionId: gate.id, scanId, reason: 'forced_entry' },
      gate.openid,
    );
    expect(reply.body.ok).toBe(true);
    const sent = (await messagesTo('agency-cc')).slice(before);
    expect(sent.map((m) => m.data.phrase2.value)).toEqual(['强行闯入']);
    const [alert] = (await alertsOf(changchunAgency, { kind: 'forced_entry' })).filter(
      (a) => a.alertId === scanId,
    );
    expect(alert).toMatchObject({ kind: 'forced_entry', status: 'open' });
    expect(alert.person).toBeUndefined();
  });

  it('takes over a push whose dispatcher is still waiting on WeChat when its lease runs out, and that late answer undoes nothing', async () => {
    await faults({ push: 'down' });
    const scanId = await scanAtMarket(38.7);
    await faults({ push: 'up' });
    const row = () => cloud.store.get('push_outbox', scanId)!.doc as unknown as PushOutboxDoc;
    const due = row().nextAttemptAt.getTime();
    // WeChat hangs on the first push of the next run, which keeps the row leased while it waits
    const hung = hangNextSend(cloud.push, 'fails');
    try {
      cloud.clock.set({ offsetMs: cloud.clock.offsetMs + (due - cloud.clock.nowMs()) });
      const stale = runTimer<Record<string, number>>(cloud, 'cron', 'pushDispatch');
      const hungFor = (await hung.reached).openid;
      expect(row().status).toBe('sending');
      const sentBefore = (await messagesTo(hungFor)).filter((m) => m.status === 'sent').length;
      // the lease (2 minutes) runs out: the next run takes the row over and pushes to everyone
      cloud.clock.set({ offsetMs: cloud.clock.offsetMs + 2 * 60_000 + 1000 });
      const takeover = await runTimer<Record<string, number>>(cloud, 'cron', 'pushDispatch');
      expect(takeover.data).toMatchObject({ done: 1 });
      expect(row().status).toBe('done');
      // WeChat fails the first run's push at last: the row it no longer holds stays done, and nothing is retried
      hung.answer();
      expect((await stale).data).toMatchObject({ skipped: 1, done: 0, retry: 0 });
      expect(row().status).toBe('done');
      expect(row().recipients!.every((r) => r.status !== 'pending')).toBe(true);
      cloud.clock.set({ offsetMs: cloud.clock.offsetMs + 60 * 60_000 });
      await runTimer(cloud, 'cron', 'pushDispatch');
      expect((await messagesTo(hungFor)).filter((m) => m.status === 'sent').length).toBe(sentBefore + 1);
    } finally {
      hung.restore();
    }
  });
});

describe('alerts filtered by kind and status, paged', () => {
  it('keeps to the filter across pages, newest first', async () => {
    const all = await alertsOf(changchunAgency);
    const fevers = all.filter((a) => a.kind === 'fever');
    const pages: AlertItem[] = [];
    let cursor: string | null = null;
    do {
      const reply: HttpReply<{ items: AlertItem[]; next: string | null }> = await records(changchunAgency, {
        action: 'alerts',
        actingPositionId: changchunAgency.id,
        kind: 'fever',
        limit: 1,
        ...(cursor ? { cursor } : {}),
      });
      pages.push(...reply.body.data!.items);
      cursor = reply.body.data!.next;
    } while (cursor);
    expect(pages.map((a) => a.alertId)).toEqual(fevers.map((a) => a.alertId));
    expect(fevers.length).toBeGreaterThanOrEqual(3);
    const bad = await records(changchunAgency, {
      action: 'alerts',
      actingPositionId: changchunAgency.id,
      kind: 'flu',
    });
    expect(bad.body.error).toMatchObject({ code: 'BAD_REQUEST', fields: { kind: expect.any(String) } });
  });
});

describe('figures per region (rule 15)', () => {
  const period = () => ({
    from: new Date(cloud.clock.nowMs() - 24 * 3600_000).toISOString(),
    to: new Date(cloud.clock.nowMs() + 3600_000).toISOString(),
  });
  type Row = {
    regionCode: string;
    name: string;
    scans: number;
    fever: number;
    nonGreen: number;
    refusals: number;
  };

  it('counts the scans, fevers, non-green codes and refusals of each district for 长春市’s agency', async () => {
    const fevers = (
      cloud.store.find('scans', { 'site.id': market }).docs as unknown as Array<{ fever: boolean }>
    ).filter((s) => s.fever).length;
    const reply = await records<{ regionCode: string; rows: Row[] }>(changchunAgency, {
      action: 'regionStats',
      actingPositionId: changchunAgency.id,
      ...period(),
    });
    expect(reply.body.data!.regionCode).toBe('220100');
    const chaoyang = reply.body.data!.rows.find((r) => r.regionCode === '220104');
    expect(chaoyang).toMatchObject({ name: '朝阳区', fever: fevers, refusals: 1 });
    expect(chaoyang!.scans).toBe(cloud.store.find('scans', { 'site.id': market }).docs.length);
    // the province sees it under 长春市
    const province = await records<{ rows: Row[] }>(tree.initiator, {
      action: 'regionStats',
      actingPositionId: tree.initiator.id,
      ...period(),
    });
    expect(province.body.data!.rows.find((r) => r.regionCode === '220100')).toMatchObject({ fever: fevers });
    // 吉林市's agency may not look into 长春市
    const outside = await records(jilinAgency, {
      action: 'regionStats',
      actingPositionId: jilinAgency.id,
      regionCode: '220100',
      ...period(),
    });
    expect(codeOf(outside)).toBe('FORBIDDEN');
    const unknown = await records(tree.initiator, {
      action: 'regionStats',
      actingPositionId: tree.initiator.id,
      regionCode: '229999',
      ...period(),
    });
    expect(unknown.body.error).toMatchObject({ code: 'BAD_REQUEST', fields: { regionCode: 'format' } });
  });
});

describe('alerts from before regions', () => {
  it('are the province’s and open after the next start: its agency finds and handles them', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'jxm-agency-'));
    let old = await openLocalCloud({ bootstrapOpenid: INITIATOR, dataDir });
    // an alert as v1 stored it: no region prefixes, no status
    old.store.insert('alerts', {
      _id: 'old-alert-1',
      scanId: 'old-alert-1',
      kind: 'fever',
      scopeAncestors: ['initiator'],
      site: { id: 'root', name: '旧站点' },
      person: { name: '王*' },
      color: 'yellow',
      temperature: 38.1,
      at: new Date(),
    });
    await old.close();
    old = await openLocalCloud({ bootstrapOpenid: INITIATOR, dataDir });
    try {
      const stored = old.store.get('alerts', 'old-alert-1')!.doc as unknown as AlertDoc;
      expect(stored).toMatchObject({ regionPrefixes: ['22'], status: 'open' });
      const oldTree = new OrgTree(old, 9900, { ...tree.initiator });
      const siteId = (
        await oldTree.ok<{ siteId: string }>(INITIATOR, {
          action: 'createSite',
          actingPositionId: tree.initiator.id,
          name: '吉林省疾病预防控制中心',
          type: 'gov',
          address: '长春',
          location: CHANGCHUN,
          regionCode: '220000',
        })
      ).siteId;
      const agency = await oldTree.held(
        oldTree.initiator,
        siteId,
        'agency',
        await oldTree.citizen('old-agency'),
      );
      const reply = await call<{ items: AlertItem[] }>(
        old,
        'records',
        { action: 'alerts', actingPositionId: agency.id, status: 'open' },
        agency.openid,
      );
      expect(reply.body.data!.items.map((a) => a.alertId)).toEqual(['old-alert-1']);
    } finally {
      await old.close();
    }
  });
});
