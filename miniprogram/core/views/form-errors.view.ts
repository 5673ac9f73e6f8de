/** Field reasons from the API (`error.fields`) as the Chinese hint under each form field. Pure. */
import type { FieldErrors } from '../errors';

const REASON_TEXT: Record<string, string> = {
  required: '请填写此项',
  empty: '请填写此项',
  type: '格式不正确',
  format: '格式不正确',
  length: '长度不正确',
  tooShort: '内容过短',
  tooLong: '内容过长',
  range: '数值超出范围',
  enum: '请选择有效选项',
  checksum: '校验位错误，请核对号码',
  birthdate: '出生日期不正确',
  region: '地区码不正确',
  unknown: '不支持的字段',
};

export function fieldHints(fields: FieldErrors | undefined): Record<string, string> {
  const hints: Record<string, string> = {};
  for (const [field, reason] of Object.entries(fields ?? {}))
    hints[field] = REASON_TEXT[reason] ?? '请检查此项';
  return hints;
}
