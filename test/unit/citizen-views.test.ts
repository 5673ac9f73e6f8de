/**
 * The pure view functions of the citizen's pages: one explanation per colour (what ends it), the invitation's
 * preview and refusals, the application form's request and where each application stands.
 */
import { COLORS, type ColorReason } from '../../miniprogram/core/health-code.rules';
import {
  EMPTY_APPLY_FORM,
  SITE_TYPE_CHOICES,
  applyRefusal,
  applyRequest,
  myApplicationRow,
  siteTypeAt,
  withPlace,
} from '../../miniprogram/admin/core/applications.view';
import { SITE_TYPES } from '../../miniprogram/core/org';
import { codeExplanation, colorView } from '../../miniprogram/core/views/health-code.view';
import {
  invitePreviewView,
  inviteProblem,
  typedInviteCode,
} from '../../miniprogram/scanner/core/invite.view';

describe('codeExplanation', () => {
  it('should give every colour and reason one explanation, a complete text', () => {
    const reasons: ColorReason[] = [
      'national_normal',
      'close_contact',
      'quarantine',
      'onsite_fever',
      'provincial',
    ];
    for (const color of COLORS)
      for (const reason of reasons) expect(codeExplanation(color, reason)).toMatch(/。$/);
  });

  it('should say what ends an orange code: the quarantine over, a clean check-in and national check, hourly', () => {
    const text = codeExplanation('orange', 'close_contact');
    expect(text).toMatch(/^国家政务服务平台核验为密切接触人员。隔离期满后/);
    expect(text).toContain('期满当天或之后的最近一次健康打卡无症状');
    expect(text).toContain('每小时');
  });

  it('should say a provincial orange or red is lifted by the province, not by the timer', () => {
    expect(codeExplanation('orange', 'provincial')).toBe('依省防疫规定调整，由省防疫部门核定后解除。');
    expect(codeExplanation('red', 'confirmed')).toContain('不会自动转变');
  });

  it('should say a bw code turns to the real colour once the platform answers, whatever the stored reason', () => {
    expect(codeExplanation('bw', 'unverified')).toBe(codeExplanation('bw', 'national_normal'));
    expect(colorView('bw', 'unverified')).toMatchObject({
      name: '黑白码',
      meaning: '已核实身份，仅记录行程',
    });
    expect(colorView('bw', 'unverified').explanation).toContain('平台恢复应答后，本码自动转为您的实际颜色');
  });
});

describe('invite view', () => {
  it('should name the role, the site and its type, and the deadline in Shanghai time', () => {
    expect(
      invitePreviewView({
        role: 'intermediate',
        site: { id: 's1', name: '南关区自由大路社区', type: 'village' },
        expiresAt: '2026-03-01T16:30:00.000Z',
      }),
    ).toEqual({
      role: '中级扫码员',
      site: '南关区自由大路社区',
      siteType: '村/社区便民服务中心',
      expires: '2026-03-02 00:30',
    });
  });

  it('should keep the server’s own words for an invitation meant for someone else', () => {
    expect(
      inviteProblem({ code: 'INVITE_INVALID', message: '该邀请码不是发给您的：认领人的实名须与受邀人一致' }),
    ).toEqual({ hint: '该邀请码不是发给您的：认领人的实名须与受邀人一致', needsRegistration: false });
    expect(inviteProblem({ code: 'NOT_REGISTERED', message: '' }).needsRegistration).toBe(true);
    expect(typedInviteCode(' abcde-fghjk ')).toBe('ABCDEFGHJK');
  });
});

describe('applications view', () => {
  const place = { name: '长春市教育局', address: '人民大街1号', latitude: 43.88, longitude: 125.32 };

  it('should offer a unit every site type but a city’s 政务服务局, which the province opens itself', () => {
    expect(SITE_TYPE_CHOICES.map((c) => c.value)).toEqual(SITE_TYPES.filter((t) => t !== 'city_bureau'));
    expect(SITE_TYPE_CHOICES.map((c) => c.label)).not.toContain('市政务服务局');
    expect(siteTypeAt(SITE_TYPE_CHOICES.length - 1)).toBe('other');
  });

  it('should not send a replacement that names no position: the server would take it for a new unit', () => {
    const form = { ...withPlace(EMPTY_APPLY_FORM, place), replacing: true };
    expect(applyRequest(form)).toEqual({
      ok: false,
      hints: { replacesPositionId: '请填写要更换的高级扫码员账号编号' },
    });
    const request = applyRequest({ ...form, replacesPositionId: ' p1 ', letter: '' });
    expect(request).toMatchObject({ ok: true, params: { replacesPositionId: 'p1' } });
    expect(request.ok && 'letter' in request.params).toBe(false);
  });

  it('should send no replacement fields for a new unit, and the region only when one is typed', () => {
    const request = applyRequest({
      ...withPlace(EMPTY_APPLY_FORM, place),
      replacesPositionId: 'p1',
      regionCode: ' ',
    });
    expect(request.ok && Object.keys(request.params).sort()).toEqual(
      ['address', 'applicantName', 'applicantPhone', 'location', 'siteType', 'unitName', 'uscc'].sort(),
    );
  });

  it('should show the holder’s name and phone errors on the applicant’s fields', () => {
    expect(
      applyRefusal(
        {
          code: 'NAME_INVALID',
          message: '姓名格式不正确',
          fields: { holderName: 'length', holderPhone: 'format' },
        },
        EMPTY_APPLY_FORM,
      ),
    ).toEqual({
      message: '请按提示修改标红的项目',
      hints: { applicantName: '请填写与身份证一致的姓名', applicantPhone: '请填写11位手机号码' },
    });
    expect(applyRefusal({ code: 'CONFLICT', message: '该单位已开通高级扫码员' }, EMPTY_APPLY_FORM)).toEqual({
      message: '该单位已开通高级扫码员',
      hints: {},
    });
  });

  it('should say where each application stands', () => {
    const base = { applicationId: 'a1', unitName: '甲局', createdAt: '2026-03-01T00:00:00.000Z' };
    expect(myApplicationRow({ ...base, status: 'pending' })).toMatchObject({
      status: '待审核',
      theme: 'warning',
      submitted: '提交于 2026-03-01 08:00',
      canClaim: false,
    });
    expect(
      myApplicationRow({
        ...base,
        status: 'rejected',
        reviewed: { at: '2026-03-02T01:00:00.000Z', approve: false, comment: null },
      }).progress,
    ).toBe('2026-03-02 09:00 未予通过。未附意见。');
    expect(
      myApplicationRow({
        ...base,
        status: 'approved',
        reviewed: { at: '2026-03-02T01:00:00.000Z', approve: true, comment: null },
      }),
    ).toMatchObject({ status: '已通过', theme: 'success', canClaim: true });
  });
});
