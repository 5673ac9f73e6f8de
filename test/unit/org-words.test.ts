/**
 * The words of the scanner hierarchy (rules 6–14) and of the status-change SMS (rule 10): who may create whom and
 * which sites, and exactly what each SMS says (site and role, never a person).
 */
import {
  CREATABLE_ROLES,
  CREATABLE_SITE_TYPES,
  DEFAULT_SITE_RADIUS_M,
  DISABLE_REASONS,
  POSITION_STATUSES,
  PUBLIC_PLACE_TYPES,
  ROLES,
  ROLE_NAMES,
  SCANNER_ROLES,
  SITE_TYPES,
  SITE_TYPE_NAMES,
} from '../../miniprogram/core/org';
import {
  DISABLE_REASON_TEXT,
  SMS_TEMPLATES,
  SMS_VARIABLE_MAX,
  smsParams,
  smsText,
} from '../../miniprogram/core/sms';

describe('the hierarchy', () => {
  it('has the four scanner roles of rule 6 and the agencies of rule 15, by their Chinese names', () => {
    expect(ROLES).toEqual(['initiator', 'senior', 'intermediate', 'ordinary', 'agency']);
    expect(SCANNER_ROLES).toEqual(['initiator', 'senior', 'intermediate', 'ordinary']);
    expect(ROLE_NAMES).toEqual({
      initiator: '发起扫码员',
      senior: '高级扫码员',
      intermediate: '中级扫码员',
      ordinary: '普通扫码员',
      agency: '有关部门',
    });
  });

  it('lets each role create only the role below it (the initiator: seniors and agencies; a senior: both below)', () => {
    expect(CREATABLE_ROLES).toEqual({
      initiator: ['senior', 'agency'],
      senior: ['intermediate', 'ordinary'],
      intermediate: ['ordinary'],
      ordinary: [],
      agency: [],
    });
  });

  it('lets the initiator create any site, a senior its own kinds and public places, an intermediate public places', () => {
    expect(CREATABLE_SITE_TYPES.initiator).toEqual(SITE_TYPES);
    expect([...CREATABLE_SITE_TYPES.senior].sort()).toEqual(
      ['gov', 'department', 'village', 'station', ...PUBLIC_PLACE_TYPES].sort(),
    );
    expect(CREATABLE_SITE_TYPES.intermediate).toEqual(PUBLIC_PLACE_TYPES);
    expect(CREATABLE_SITE_TYPES.ordinary).toEqual([]);
    expect(PUBLIC_PLACE_TYPES).toEqual([
      'market',
      'mall',
      'supermarket',
      'shop',
      'hospital',
      'school',
      'bank',
      'residential',
      'building',
      'other',
    ]);
    for (const type of PUBLIC_PLACE_TYPES) expect(SITE_TYPES).toContain(type);
  });

  it('names every site type in the words of API.md 2 (rule 9’s public places among them)', () => {
    expect(SITE_TYPE_NAMES).toEqual({
      gov: '机关/政务大厅',
      department: '内设部门/直属机构',
      village: '村/社区便民服务中心',
      station: '车站',
      market: '农贸市场',
      mall: '商场',
      supermarket: '超市',
      shop: '店铺',
      hospital: '医院',
      school: '学校',
      bank: '银行',
      residential: '居民小区',
      building: '楼宇',
      other: '其他',
      city_bureau: '市政务服务局',
    });
    expect(Object.keys(SITE_TYPE_NAMES).sort()).toEqual([...SITE_TYPES].sort());
  });

  it('knows the statuses, the reasons for disabling, and the default radius of 1000 m', () => {
    expect(POSITION_STATUSES).toEqual(['pending', 'active', 'disabled']);
    expect(DISABLE_REASONS).toEqual(['manual', 'cascade', 'silent', 'geofence']);
    expect(DEFAULT_SITE_RADIUS_M).toBe(1000);
  });
});

describe('the status-change SMS (rule 10)', () => {
  const params = { siteName: '长春站', role: 'ordinary' as const };

  it('gives the reason for a disabling in words', () => {
    expect(DISABLE_REASON_TEXT).toEqual({
      manual: '上级扫码员禁用',
      cascade: '上级账号被禁用',
      silent: '15天内未登录或操作',
      geofence: '扫码位置与站点地址偏离过大',
    });
  });

  it('says exactly this for each change', () => {
    const account = '“长春站”的普通扫码员账号';
    expect(smsText('position_created', params)).toBe(
      `【吉祥码】您已被指定为${account}持有人，请在72小时内凭邀请码在“吉事办”小程序“码上行动”中认领。`,
    );
    expect(smsText('position_claimed', params)).toBe(`【吉祥码】您已认领${account}，账号已启用。`);
    expect(smsText('position_claimed_disabled', params)).toBe(
      `【吉祥码】您已认领${account}，该账号目前处于禁用状态，请向上一级扫码员申请激活。`,
    );
    expect(smsText('position_replaced', params)).toBe(
      `【吉祥码】您已被指定接替${account}，请在72小时内凭邀请码在“吉事办”小程序“码上行动”中认领。`,
    );
    expect(smsText('position_handed_over', params)).toBe(
      `【吉祥码】您的${account}已移交他人，您不能再使用该账号。如有疑问，请联系上一级扫码员。`,
    );
    expect(smsText('position_activated', params)).toBe(`【吉祥码】您的${account}已被激活，可正常使用。`);
  });

  it('gives the reason of a disabling, manual when none is given', () => {
    const disabled = (reason?: 'manual' | 'cascade' | 'silent' | 'geofence') =>
      smsText('position_disabled', { ...params, role: 'intermediate', ...(reason ? { reason } : {}) });
    expect(disabled('silent')).toBe(
      '【吉祥码】您的“长春站”的中级扫码员账号已被禁用（15天内未登录或操作）。如需恢复，请向上一级扫码员申请激活。',
    );
    expect(disabled('geofence')).toContain('（扫码位置与站点地址偏离过大）');
    expect(disabled('cascade')).toContain('（上级账号被禁用）');
    expect(disabled()).toContain('（上级扫码员禁用）');
  });

  it('has one text per template, each naming the site and the role', () => {
    const texts = SMS_TEMPLATES.map((template) => smsText(template, { siteName: '南关站', role: 'senior' }));
    expect(new Set(texts).size).toBe(SMS_TEMPLATES.length);
    for (const text of texts) {
      expect(text.startsWith('【吉祥码】')).toBe(true);
      expect(text).toContain('“南关站”的高级扫码员账号');
    }
  });

  it('makes the site name a plain variable of at most 20 characters, and names an empty one 所在站点', () => {
    expect(SMS_VARIABLE_MAX).toBe(20);
    expect(smsParams({ siteName: '长春站', role: 'senior' })).toEqual({ siteName: '长春站', role: 'senior' });
    expect(smsParams({ siteName: '', role: 'senior' }).siteName).toBe('所在站点');
    expect(smsParams({ siteName: '\u202e""', role: 'senior' }).siteName).toBe('所在站点');
    expect(smsParams({ siteName: undefined as unknown as string, role: 'senior' }).siteName).toBe('所在站点');
    expect(smsParams({ siteName: '长'.repeat(25), role: 'senior' }).siteName).toBe(`${'长'.repeat(19)}…`);
    expect(smsText('position_claimed', { siteName: '“长春站”', role: 'senior' })).toBe(
      '【吉祥码】您已认领“长春站”的高级扫码员账号，账号已启用。',
    );
  });
});
