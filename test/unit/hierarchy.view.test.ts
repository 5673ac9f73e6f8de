/** The hierarchy as the 码上行动 pages show it: pure mappers of miniprogram/core/views. */
import type { OrgReplies } from '../../miniprogram/core/contracts/org.contract';
import {
  activationRequestCount,
  identityRowOf,
  subordinateRows,
} from '../../miniprogram/core/views/hierarchy.view';
import { creatableSiteTypes, radiusOf, siteFormHints } from '../../miniprogram/admin/core/sites.view';

type Sub = OrgReplies['subordinates']['items'][number];

const sub = (positionId: string, parentId: string, extra: Partial<Sub> = {}): Sub => ({
  positionId,
  parentId,
  role: 'intermediate',
  status: 'active',
  holder: { name: '王*', phone: '139****0001' },
  site: { id: 's', name: '长春站' },
  lastActiveAt: '2026-01-01T00:00:00.000Z',
  ...extra,
});

describe('subordinateRows', () => {
  it('should put each position under its superior, newest first among siblings', () => {
    // newest first, as the server lists them: children before their parents
    const items = [sub('c2', 'b1'), sub('b2', 'me'), sub('c1', 'b1'), sub('b1', 'me')];
    const rows = subordinateRows(items, 'me', 'senior');
    expect(rows.map((r) => [r.positionId, r.depth])).toEqual([
      ['b2', 1],
      ['b1', 1],
      ['c2', 2],
      ['c1', 2],
    ]);
  });

  it('should show a position whose superior is not loaded at the top level', () => {
    expect(subordinateRows([sub('c1', 'elsewhere')], 'me', 'senior')[0]).toMatchObject({ depth: 1 });
  });

  it('should offer activation to the direct superior or the initiator, replacement to the direct superior', () => {
    const items = [
      sub('b1', 'me', { status: 'disabled', disabledReason: 'manual' }),
      sub('c1', 'b1', { status: 'disabled', disabledReason: 'cascade' }),
    ];
    const senior = subordinateRows(items, 'me', 'senior');
    expect(senior.map((r) => [r.canActivate, r.canReplace, r.canDisable])).toEqual([
      [true, true, false],
      [false, false, false],
    ]);
    expect(senior[1]!.status).toBe('已禁用（上级账号被禁用）');
    const initiator = subordinateRows(items, 'me', 'initiator');
    expect(initiator[1]!.canActivate).toBe(true);
  });

  it('should show and count the requests for activation of disabled positions only', () => {
    const asked = { at: '2026-03-01T02:30:00.000Z', note: null };
    const items = [
      sub('b1', 'me', { status: 'disabled', activationRequested: { ...asked, note: '已整改' } }),
      sub('b2', 'me', { status: 'disabled', activationRequested: asked }),
      sub('b3', 'me', { status: 'active', activationRequested: asked }),
    ];
    expect(activationRequestCount(items)).toBe(2);
    const rows = subordinateRows(items, 'me', 'senior');
    expect(rows.map((r) => r.request)).toEqual([
      { at: '03-01 10:30', note: '已整改' },
      { at: '03-01 10:30', note: '' },
      null,
    ]);
  });
});

describe('identityRowOf', () => {
  const identity = (
    role: 'initiator' | 'senior' | 'intermediate' | 'ordinary' | 'agency',
    type = 'station',
  ) => ({
    positionId: 'p',
    role,
    status: 'active' as const,
    site: { id: 's', name: '长春站', type: type as 'station' },
  });
  const pages = (row: ReturnType<typeof identityRowOf>) =>
    (
      [
        'canScan',
        'canManage',
        'canSites',
        'canRecords',
        'canDesk',
        'canAgency',
        'canBureau',
        'canRequest',
      ] as const
    ).filter((k) => row[k]);

  it('should offer each role the pages it uses', () => {
    expect(pages(identityRowOf(identity('initiator', 'gov')))).toEqual([
      'canManage',
      'canSites',
      'canRecords',
      'canDesk',
    ]);
    expect(pages(identityRowOf(identity('senior')))).toEqual([
      'canScan',
      'canManage',
      'canSites',
      'canRecords',
    ]);
    expect(pages(identityRowOf(identity('intermediate')))).toEqual(['canScan', 'canManage', 'canRecords']);
    expect(pages(identityRowOf(identity('intermediate', 'village')))).toContain('canSites');
    expect(pages(identityRowOf(identity('ordinary')))).toEqual(['canScan', 'canRecords']);
  });

  it('should offer an agency its desk only, and a city bureau’s senior the applications to forward', () => {
    // rule 15: an agency scans nothing and sees no scan lists (ROLE_CANNOT_SCAN, FORBIDDEN)
    expect(pages(identityRowOf(identity('agency', 'gov')))).toEqual(['canAgency']);
    expect(pages(identityRowOf({ ...identity('agency'), status: 'disabled' }))).toEqual(['canRequest']);
    // rule 14
    expect(pages(identityRowOf(identity('senior', 'city_bureau')))).toEqual([
      'canScan',
      'canManage',
      'canSites',
      'canRecords',
      'canBureau',
    ]);
    expect(pages(identityRowOf(identity('intermediate', 'city_bureau')))).not.toContain('canBureau');
    expect(pages(identityRowOf({ ...identity('senior', 'city_bureau'), status: 'pending' }))).toEqual([]);
  });

  it('should offer a disabled identity only the request for activation', () => {
    expect(pages(identityRowOf({ ...identity('senior'), status: 'disabled' }))).toEqual(['canRequest']);
  });
});

describe('sites view', () => {
  it('should offer an intermediate the public places at a village only', () => {
    expect(creatableSiteTypes('intermediate', 'station')).toEqual([]);
    expect(creatableSiteTypes('intermediate', 'village').map((t) => t.value)).toContain('market');
    expect(creatableSiteTypes('intermediate', 'village').map((t) => t.value)).not.toContain('village');
    expect(creatableSiteTypes('ordinary', 'village')).toEqual([]);
  });

  it('should word the server’s reasons for the site form', () => {
    expect(siteFormHints({ regionCode: 'range', radiusM: 'range', uscc: 'checksum' })).toEqual({
      regionCode: '须在上级站点所在地区之内',
      radiusM: '半径为50至50000米',
      uscc: '校验位错误，请核对号码',
    });
    expect(siteFormHints({ 'location.latitude': 'range' })).toEqual({
      'location.latitude': '数值超出范围',
    });
  });

  it('should read the typed radius, empty meaning the default', () => {
    expect(radiusOf('')).toBeUndefined();
    expect(radiusOf(' 300 ')).toBe(300);
  });
});
