/**
 * The pure views of the agencies' desk and the city bureau (rules 14, 15; admin/core/agency.view.ts,
 * applications.view.ts): which identity a push opens, the badge, the outcomes in words, a handled alert, what a
 * refusal and the subscription say, the figures' periods, and an application as its reviewers read it.
 */
import {
  KIND_FILTERS,
  NOT_SUBSCRIBED,
  OUTCOME_CHOICES,
  SUBSCRIBED,
  deskAlertRow,
  deskIdentity,
  deskTitle,
  handleRefusal,
  openBadge,
  periodOf,
  regionTable,
  subscribeResult,
} from '../../miniprogram/admin/core/agency.view';
import { forwardRefusal, reviewRow } from '../../miniprogram/admin/core/applications.view';
import type { OrgReplies } from '../../miniprogram/core/contracts/org.contract';
import type { RecordsReplies } from '../../miniprogram/core/contracts/records.contract';
import type { ScanReplies } from '../../miniprogram/core/contracts/scan.contract';

type Identity = ScanReplies['roles']['items'][number];
type Alert = RecordsReplies['alerts']['items'][number];

const identity = (
  positionId: string,
  role: Identity['role'],
  status: Identity['status'] = 'active',
): Identity => ({
  positionId,
  role,
  status,
  site: { id: `site-${positionId}`, name: `站点${positionId}`, type: 'gov' },
});

describe('the agency’s desk', () => {
  it('should act as the position the route names, else as the first active agency (a push has no query)', () => {
    const items = [identity('s', 'senior'), identity('a0', 'agency', 'disabled'), identity('a1', 'agency')];
    expect(deskIdentity(items, 's')?.positionId).toBe('s');
    expect(deskIdentity(items, '')?.positionId).toBe('a1');
    expect(deskIdentity(items, 'unknown')).toBeNull();
    expect(deskIdentity([identity('s', 'senior')], '')).toBeNull();
    expect(deskTitle(identity('a1', 'agency'))).toBe('有关部门 · 站点a1');
  });

  it('should count the open alerts exactly up to 99, then 99+', () => {
    expect(openBadge(0)).toBe('');
    expect(openBadge(1)).toBe('1');
    expect(openBadge(99)).toBe('99');
    expect(openBadge(100)).toBe('99+');
  });

  it('should name the five outcomes and every kind', () => {
    expect(OUTCOME_CHOICES).toEqual([
      { value: 'contacted', label: '已联系' },
      { value: 'tested', label: '已核酸检测' },
      { value: 'isolated', label: '已隔离' },
      { value: 'cleared', label: '已排除' },
      { value: 'other', label: '其他' },
    ]);
    expect(KIND_FILTERS.map((k) => k.label)).toEqual([
      '全部',
      '体温异常',
      '健康码异常',
      '疑似截图转发',
      '强行闯入',
      '离线通行证过期',
    ]);
  });

  it('should show an open alert with its form, and a handled one with what was done', () => {
    const open: Alert = {
      alertId: 'al1',
      at: '2026-12-01T05:05:00.000Z',
      kind: 'fever',
      site: { id: 's1', name: '红旗农贸市场' },
      scanId: 'scan-1',
      person: { name: '张*' },
      color: 'yellow',
      temperature: 38.4,
      status: 'open',
    };
    const row = deskAlertRow(open);
    expect(row).toMatchObject({ id: 'al1', title: '体温异常 · 张*', handled: '' });
    expect(row.view).toMatchObject({ alertId: 'al1', scanId: 'scan-1', open: true });
    const handled = deskAlertRow({
      ...open,
      status: 'handled',
      handled: {
        at: '2026-12-01T06:10:00.000Z',
        outcome: 'isolated',
        note: '居家隔离',
        by: { positionId: 'a1', name: '王*' },
      },
    });
    expect(handled.handled).toBe('2026-12-01 14:10 已隔离：居家隔离');
    expect(handled.view.open).toBe(false);
    expect(handled.view.lines.slice(-4)).toEqual([
      { label: '处置结果', value: '已隔离' },
      { label: '处置说明', value: '居家隔离' },
      { label: '处置人', value: '王*' },
      { label: '处置时间', value: '2026-12-01 14:10' },
    ]);
    const bare = deskAlertRow({
      ...open,
      kind: 'forced_entry',
      scanId: undefined,
      person: undefined,
      status: 'handled',
      handled: {
        at: '2026-12-01T06:10:00.000Z',
        outcome: 'other',
        note: null,
        by: { positionId: 'a1', name: '' },
      },
    });
    expect(bare.handled).toBe('2026-12-01 14:10 其他');
    expect(bare.view.scanId).toBe('');
    expect(bare.view.lines.map((l) => l.label)).not.toContain('处置说明');
  });

  it('should say who was first, and what a bad note is', () => {
    expect(handleRefusal({ code: 'CONFLICT', message: '该异常已处置' })).toEqual({
      message: '该异常已由他人处置',
      hints: {},
      conflict: true,
    });
    expect(handleRefusal({ code: 'BAD_REQUEST', message: 'x', fields: { note: 'tooLong' } }).hints).toEqual({
      note: '处置说明最多200字，不能含控制字符',
    });
    expect(handleRefusal({ code: 'FORBIDDEN', message: '无权操作' })).toEqual({
      message: '无权操作',
      hints: {},
      conflict: false,
    });
  });

  it('should say what the request for pushes came to', () => {
    expect(subscribeResult('accept')).toEqual({ on: true, text: SUBSCRIBED });
    for (const answer of ['reject', 'ban', 'filter', undefined])
      expect(subscribeResult(answer)).toEqual({ on: false, text: NOT_SUBSCRIBED });
  });

  it('should ask the figures from the start of the day, or of the day six days before', () => {
    const now = new Date('2026-12-01T05:00:00.000Z'); // 13:00 in Shanghai
    expect(periodOf('today', now)).toEqual({ from: '2026-11-30T16:00:00.000Z', to: now.toISOString() });
    expect(periodOf('week', now).from).toBe('2026-11-24T16:00:00.000Z');
    expect(regionTable({ regionCode: '220100', rows: [] }).title).toBe('长春市 各地区情况');
  });
});

describe('an application as its reviewers read it', () => {
  const application: OrgReplies['applications']['items'][number] = {
    applicationId: 'ap1',
    status: 'forwarded',
    unitName: '朝阳区便民超市',
    uscc: '91220101MB00000012',
    siteType: 'supermarket',
    applicant: { name: '李*', phone: '138****0001' },
    regionCode: '220104',
    forwarded: { at: '2026-12-01T02:00:00.000Z', by: '长春市政务服务局', comment: '材料齐全' },
    createdAt: '2026-11-30T02:00:00.000Z',
  };

  it('should name the region and the city bureau that forwarded it', () => {
    expect(reviewRow(application)).toMatchObject({
      title: '朝阳区便民超市（91220101MB00000012）',
      detail: '超市 · 申请人 李* 138****0001',
      region: '吉林省 · 长春市 · 朝阳区',
      forwarded: '长春市政务服务局 已转报：材料齐全',
      forwardedAt: '转报于 2026-12-01 10:00',
    });
    const { forwarded: _forwarded, ...pending } = application;
    expect(reviewRow({ ...pending, status: 'pending', regionCode: '220000' })).toMatchObject({
      region: '吉林省',
      forwarded: '',
    });
    expect(
      reviewRow({ ...application, forwarded: { ...application.forwarded!, comment: null } }).forwarded,
    ).toBe('长春市政务服务局 已转报：未附意见');
  });

  it('should say that an application was decided meanwhile', () => {
    expect(forwardRefusal({ code: 'CONFLICT', message: '该申请已处理' })).toEqual({
      message: '该申请已处理',
      stale: true,
    });
    expect(forwardRefusal({ code: 'BAD_REQUEST', message: 'x', fields: { comment: 'tooLong' } }).stale).toBe(
      false,
    );
  });
});
