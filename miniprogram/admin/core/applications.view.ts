/**
 * A unit's senior application as the citizen sees it (rules 9, 10, 14; API.md `applySenior`, v1.1
 * `myApplications`): the form's request and what the server said under each field, and where each of the
 * caller's applications stands. Pure.
 */
import type { OrgParams, OrgReplies } from '../../core/contracts/org.contract';
import type { FieldErrors } from '../../core/errors';
import { SITE_TYPES, type SiteType } from '../../core/org';
import { shanghaiClock } from '../../core/calendar';
import { PROVINCE_REGION, isJilinRegion, regionPath } from '../../core/regions';
import { fieldHints } from '../../core/views/form-errors.view';
import { SITE_TYPE_NAMES } from '../../core/org';

/** The place picked on the map (wx.chooseLocation). */
export interface Place {
  name: string;
  address: string;
  latitude: number;
  longitude: number;
}

export interface ApplyForm {
  unitName: string;
  uscc: string;
  siteType: SiteType;
  address: string;
  regionCode: string;
  applicantName: string;
  applicantPhone: string;
  /** 更换本单位高级扫码员 (rule 10): then the position to replace and the letter go with the form. */
  replacing: boolean;
  replacesPositionId: string;
  letter: string;
  place: Place | null;
}

export const EMPTY_APPLY_FORM: ApplyForm = {
  unitName: '',
  uscc: '',
  siteType: 'gov',
  address: '',
  // the region of an application that names none (API.md 2, v1.1)
  regionCode: PROVINCE_REGION,
  applicantName: '',
  applicantPhone: '',
  replacing: false,
  replacesPositionId: '',
  letter: '',
  place: null,
};

/**
 * The site types a unit may name, in the picker's order, and the index of one of them: every type but a city's
 * 政务服务局, which the province opens itself.
 */
const UNIT_SITE_TYPES = SITE_TYPES.filter((type) => type !== 'city_bureau');
export const SITE_TYPE_CHOICES = UNIT_SITE_TYPES.map((value) => ({ value, label: SITE_TYPE_NAMES[value] }));
export const siteTypeAt = (index: number): SiteType => UNIT_SITE_TYPES[index] ?? 'other';

/** The place in words, under the map button. */
export function placeText(place: Place | null): string {
  return place ? `${place.name}（${place.address}）` : '尚未选择';
}

/** The region typed, named (吉林省 · 长春市 · 南关区), or how to find one: shown under the field. */
export function regionText(code: string): string {
  const typed = code.trim();
  return isJilinRegion(typed)
    ? regionPath(typed).join(' · ')
    : '六位行政区划代码，如长春市南关区220102；不清楚时填220000';
}

/** The chosen place fills the address when none was typed (the map's address is the unit's, usually). */
export function withPlace(form: ApplyForm, place: Place): ApplyForm {
  return { ...form, place, address: form.address.trim() ? form.address : place.address };
}

type ApplyParams = OrgParams<'applySenior'>;

/**
 * The request the form makes, or the hints of what only the phone can tell (no place picked; a replacement that
 * names no position, which the server would take for a new unit's application). Everything else the server checks.
 */
export function applyRequest(
  form: ApplyForm,
): { ok: true; params: ApplyParams } | { ok: false; hints: Record<string, string> } {
  const hints: Record<string, string> = {};
  if (!form.place) hints.location = '请在地图上选择单位所在位置';
  if (form.replacing && !form.replacesPositionId.trim())
    hints.replacesPositionId = '请填写要更换的高级扫码员账号编号';
  if (!form.place || Object.keys(hints).length > 0) return { ok: false, hints };
  const region = form.regionCode.trim();
  const letter = form.letter.trim();
  return {
    ok: true,
    params: {
      unitName: form.unitName,
      uscc: form.uscc,
      siteType: form.siteType,
      address: form.address,
      location: { latitude: form.place.latitude, longitude: form.place.longitude },
      applicantName: form.applicantName,
      applicantPhone: form.applicantPhone,
      ...(region ? { regionCode: region } : {}),
      ...(form.replacing
        ? { replacesPositionId: form.replacesPositionId.trim(), ...(letter ? { letter } : {}) }
        : {}),
    },
  };
}

/** The form's own words for what the server refused, by field and reason (docs/api.md org). */
const APPLY_FIELD_TEXT: Record<string, Record<string, string>> = {
  unitName: {
    empty: '请填写单位名称',
    tooLong: '单位名称最多40个字',
    format: '名称不能含引号、尖括号、链接或控制字符',
  },
  uscc: {
    empty: '请填写统一社会信用代码',
    length: '统一社会信用代码为18位',
    format: '含有信用代码不使用的字符，请核对',
    checksum: '校验位错误，请核对代码',
  },
  address: { empty: '请填写单位地址', tooLong: '地址最多120个字', format: '地址不能含控制字符' },
  regionCode: {
    format: '请填写吉林省的六位地区代码，如220102',
    tooShort: '请填写六位地区代码',
    tooLong: '请填写六位地区代码',
  },
  applicantName: {
    empty: '请填写姓名',
    length: '请填写与身份证一致的姓名',
    format: '请填写与身份证一致的姓名',
  },
  applicantPhone: { empty: '请填写手机号', format: '请填写11位手机号码', length: '请填写11位手机号码' },
  letter: {
    required: '更换高级扫码员须附说明原因的函件',
    empty: '更换高级扫码员须附说明原因的函件',
    tooLong: '函件最多2000字',
    format: '函件不能含控制字符',
  },
  location: { required: '请在地图上选择单位所在位置' },
};

/** The applicant's name and phone are checked as a holder's (holderName, holderPhone): shown on the form's fields. */
const FIELD_OF: Record<string, string> = { holderName: 'applicantName', holderPhone: 'applicantPhone' };

export interface ApplyRefusal {
  message: string;
  hints: Record<string, string>;
}

/** What the page shows when the server refuses the application. */
export function applyRefusal(
  error: { code: string; message: string; fields?: FieldErrors },
  form: ApplyForm,
): ApplyRefusal {
  const hints: Record<string, string> = {};
  for (const [path, hint] of Object.entries(fieldHints(error.fields))) {
    const field = FIELD_OF[path.split('.')[0]!] ?? path.split('.')[0]!;
    hints[field] = APPLY_FIELD_TEXT[field]?.[error.fields![path]!] ?? hint;
  }
  // a replacement only of the unit's own senior (its site carries the same credit code)
  if (error.code === 'FORBIDDEN' && form.replacing) {
    hints.replacesPositionId = '该账号不是本单位（同一信用代码）的高级扫码员';
    return { message: '只能更换本单位的高级扫码员', hints };
  }
  const message = Object.keys(hints).length > 0 ? '请按提示修改标红的项目' : error.message;
  return { message, hints };
}

type Mine = OrgReplies['myApplications']['items'][number];

const STATUS_TEXT: Record<Mine['status'], string> = {
  pending: '待审核',
  forwarded: '已转报省级审核',
  approved: '已通过',
  rejected: '未通过',
};

/** TDesign tag themes: waiting, on its way, done, refused. */
const STATUS_THEME: Record<Mine['status'], 'warning' | 'primary' | 'success' | 'danger'> = {
  pending: 'warning',
  forwarded: 'primary',
  approved: 'success',
  rejected: 'danger',
};

export interface MyApplicationRow {
  id: string;
  unitName: string;
  status: string;
  theme: string;
  submitted: string;
  /** Where it stands, in a sentence: who has it now, or what was decided and why. */
  progress: string;
  /** Approved: the new senior claims the invitation from the SMS. */
  canClaim: boolean;
}

const minute = (iso: string) => shanghaiClock(new Date(iso)).slice(0, 16);

function progressOf(a: Mine): string {
  if (a.status === 'approved')
    return `${minute(a.reviewed?.at ?? a.createdAt)} 省级审核通过。高级扫码员将收到含邀请码的短信，请在72小时内认领。`;
  if (a.status === 'rejected') {
    const comment = a.reviewed?.comment ?? a.forwarded?.comment;
    const at = a.reviewed?.at ?? a.forwarded?.at ?? a.createdAt;
    return `${minute(at)} 未予通过。${comment ? `意见：${comment}` : '未附意见。'}`;
  }
  if (a.status === 'forwarded')
    return `${minute(a.forwarded?.at ?? a.createdAt)} 已由市政务服务局转报，等待省政数局审核。${a.forwarded?.comment ? `意见：${a.forwarded.comment}` : ''}`;
  return '等待审核：市政务服务局或省政数局审核后，结果将在这里显示。';
}

export function myApplicationRow(a: Mine): MyApplicationRow {
  return {
    id: a.applicationId,
    unitName: a.unitName,
    status: STATUS_TEXT[a.status],
    theme: STATUS_THEME[a.status],
    submitted: `提交于 ${minute(a.createdAt)}`,
    progress: progressOf(a),
    canClaim: a.status === 'approved',
  };
}

type Application = OrgReplies['applications']['items'][number];

/** One application as its reviewer sees it: the initiator (admin/applications) or the city bureau (admin/bureau). */
export interface ReviewRow {
  id: string;
  title: string;
  detail: string;
  /** Where the unit lies: 吉林省 · 长春市 · 朝阳区. */
  region: string;
  when: string;
  letter: string;
  /** The city bureau passed it on (rule 14): 长春市政务服务局 已转报：<comment>; empty otherwise. */
  forwarded: string;
  forwardedAt: string;
}

export function reviewRow(a: Application): ReviewRow {
  return {
    id: a.applicationId,
    title: `${a.unitName}（${a.uscc}）`,
    detail: `${SITE_TYPE_NAMES[a.siteType]} · 申请人 ${a.applicant.name} ${a.applicant.phone}${a.replacesPositionId ? ' · 更换申请' : ''}`,
    region: regionPath(a.regionCode).join(' · ') || a.regionCode,
    when: minute(a.createdAt),
    letter: a.letter ?? '',
    forwarded: a.forwarded ? `${a.forwarded.by} 已转报：${a.forwarded.comment || '未附意见'}` : '',
    forwardedAt: a.forwarded ? `转报于 ${minute(a.forwarded.at)}` : '',
  };
}

/** What the city bureau's page says when the server refused a decision; `stale`: someone decided it first. */
export function forwardRefusal(error: { code: string; message: string; fields?: FieldErrors }): {
  message: string;
  stale: boolean;
} {
  if (error.code === 'CONFLICT') return { message: '该申请已处理', stale: true };
  if (error.fields?.comment) return { message: '意见最多200字，不能含控制字符', stale: false };
  return { message: error.message, stale: false };
}
