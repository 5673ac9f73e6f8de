/**
 * Names of sites and units and free texts (API.md section 2, v1.1; core/text.ts): lengths in code points, and
 * every forbidden class — control, format and bidirectional characters, quotes, angle brackets, links — at the
 * schema (`v.siteName`, `v.freeText`) and in the plain variables of an SMS.
 */
import { checkName } from '../../miniprogram/core/identity';
import {
  checkFreeText,
  checkSiteName,
  codePointLength,
  hasLink,
  plainVariable,
} from '../../miniprogram/core/text';
import { v, validate } from '../../miniprogram/core/validation';

const ASTRAL = '𠀀'; // U+20000, two UTF-16 units, one character

describe('site and unit names', () => {
  it.each([
    '长春市南关区·自由大路（东段）便民服务中心',
    '吉林省政务服务和数字化建设管理局',
    '长春市第一中学（南校区）',
    'No.1 超市',
    '《吉林日报》社',
    '万达广场 B座',
    '😀便利店',
  ])('should accept %j', (name) => {
    expect(checkSiteName(name)).toEqual({ ok: true, value: name });
  });

  it('should count code points: 40 characters pass, 41 do not, an astral character is one', () => {
    expect(ASTRAL).toHaveLength(2);
    expect(codePointLength(ASTRAL.repeat(40))).toBe(40);
    expect(checkSiteName(ASTRAL.repeat(40))).toEqual({ ok: true, value: ASTRAL.repeat(40) });
    expect(checkSiteName(ASTRAL.repeat(41))).toEqual({ ok: false, problem: 'tooLong' });
    expect(checkSiteName('站'.repeat(40))).toEqual({ ok: true, value: '站'.repeat(40) });
    expect(checkSiteName('站'.repeat(41))).toEqual({ ok: false, problem: 'tooLong' });
    expect(checkSiteName('站'.repeat(39) + ASTRAL)).toMatchObject({ ok: true });
    expect(checkSiteName('站'.repeat(40) + ASTRAL)).toEqual({ ok: false, problem: 'tooLong' });
    expect(checkSiteName(`  ${'站'.repeat(40)}  `)).toEqual({ ok: true, value: '站'.repeat(40) });
  });

  it.each(['', '   ', '\u3000'])('should call %j empty', (name) => {
    expect(checkSiteName(name)).toEqual({ ok: false, problem: 'empty' });
  });

  it.each([
    ['\u0000', 'NUL'],
    ['\u001b', 'ESC'],
    ['\u0007', 'BEL'],
    ['\t', 'a tab'],
    ['\n', 'a line feed'],
    ['\r', 'a carriage return'],
    ['\u007f', 'DEL'],
    ['\u0085', 'C1 NEL'],
    ['\u009b', 'C1 CSI'],
    ['\u200b', 'a zero-width space'],
    ['\u200d', 'a zero-width joiner'],
    ['\u200e', 'LRM'],
    ['\u200f', 'RLM'],
    ['\u202a', 'LRE'],
    ['\u202e', 'RLO'],
    ['\u2066', 'LRI'],
    ['\u2069', 'PDI'],
    ['\u061c', 'the Arabic letter mark'],
    ['\ufeff', 'a BOM'],
    ['\u00ad', 'a soft hyphen'],
    ['\u2028', 'a line separator'],
    ['\u{e0041}', 'a tag character'],
    ['\ud800', 'an unpaired surrogate'],
  ])('should refuse %j (%s) inside a name', (char) => {
    expect(checkSiteName(`长春${char}站点`)).toEqual({ ok: false, problem: 'format' });
    expect(checkSiteName(`长春站点${char}`)).toEqual({ ok: false, problem: 'format' });
  });

  it.each(['"', '“', '”', "'", '‘', '’', '＂', '「', '<', '>'])(
    'should refuse the quote or bracket %j',
    (char) => {
      expect(checkSiteName(`长春${char}站点`)).toEqual({ ok: false, problem: 'format' });
    },
  );

  it.each([
    'http站点',
    'HTTP站点',
    'HtTpS://evil.cn',
    '访问www.evil.com',
    'WWW.EVIL',
    'ｗｗｗ．evil',
    'ＨＴＴＰ站点',
    '见 evil.cn',
    'jxm-gov.COM',
    '办事请到 a.top/x',
  ])('should refuse the link in %j', (name) => {
    expect(hasLink(name)).toBe(true);
    expect(checkSiteName(name)).toEqual({ ok: false, problem: 'format' });
  });

  it('should refuse the phishing name of the attack', () => {
    expect(checkSiteName('长春站”账号异常，请点击http://t.cn/x登录“否则账号作废')).toEqual({
      ok: false,
      problem: 'format',
    });
  });

  it('should be the schema of v.siteName, with a type check first', () => {
    const s = v.object({ name: v.siteName() });
    expect(validate(s, { name: ' 长春站 ' })).toEqual({ ok: true, value: { name: '长春站' } });
    expect(validate(s, { name: { $gt: '' } })).toEqual({ ok: false, fields: { name: 'type' } });
    expect(validate(s, { name: ASTRAL.repeat(41) })).toEqual({ ok: false, fields: { name: 'tooLong' } });
    expect(validate(s, { name: 'a\u0000b' })).toEqual({ ok: false, fields: { name: 'format' } });
    expect(validate(s, { name: '' })).toEqual({ ok: false, fields: { name: 'empty' } });
  });
});

describe('free texts', () => {
  it('should count code points against the maximum', () => {
    expect(checkFreeText(ASTRAL.repeat(200), { max: 200 })).toMatchObject({ ok: true });
    expect(checkFreeText(ASTRAL.repeat(201), { max: 200 })).toEqual({ ok: false, problem: 'tooLong' });
    expect(checkFreeText('字'.repeat(2000), { max: 2000, lines: true })).toMatchObject({ ok: true });
    expect(checkFreeText('字'.repeat(2001), { max: 2000, lines: true })).toEqual({
      ok: false,
      problem: 'tooLong',
    });
  });

  it.each(['\u0000', '\u001b', '\u007f', '\u0090', '\u202e', '\u2066', '\u200b', '\ufeff', '\t'])(
    'should refuse %j',
    (char) => {
      expect(checkFreeText(`岗位${char}调整`, { max: 200 })).toEqual({ ok: false, problem: 'format' });
      expect(checkFreeText(`岗位${char}调整`, { max: 2000, lines: true })).toEqual({
        ok: false,
        problem: 'format',
      });
    },
  );

  it('should take quotes and links, which are no names', () => {
    expect(checkFreeText('他说“见 http://example.cn”', { max: 200 })).toMatchObject({ ok: true });
  });

  it('should take line breaks only in multi-line texts, storing \\r\\n as \\n', () => {
    expect(checkFreeText('第一段\n第二段', { max: 200 })).toEqual({ ok: false, problem: 'format' });
    expect(checkFreeText('第一段\r\n第二段\n', { max: 2000, lines: true })).toEqual({
      ok: true,
      value: '第一段\n第二段',
    });
  });

  it('should allow an empty text only when asked', () => {
    expect(checkFreeText('  ', { max: 200 })).toEqual({ ok: false, problem: 'empty' });
    expect(checkFreeText('  ', { max: 200, min: 0 })).toEqual({ ok: true, value: '' });
  });

  it('should be the schema of v.freeText', () => {
    const s = v.object({ reason: v.freeText(200), letter: v.optional(v.freeText(2000, { lines: true })) });
    expect(validate(s, { reason: ' 岗位调整 ', letter: '函\n件' })).toEqual({
      ok: true,
      value: { reason: '岗位调整', letter: '函\n件' },
    });
    expect(validate(s, { reason: '岗位\u001b[31m调整' })).toEqual({
      ok: false,
      fields: { reason: 'format' },
    });
    expect(validate(s, { reason: 1 })).toEqual({ ok: false, fields: { reason: 'type' } });
  });
});

describe('holder names (identity rules of registration)', () => {
  it.each([
    '张\u0000三',
    '张三\u001b',
    '\u202e张三',
    '张\u200b三',
    'John\u0000 Smith',
    'John\u202e Smith',
    '张“三”',
  ])('should refuse %j', (name) => {
    expect(checkName(name)).toMatchObject({ ok: false });
  });
});

describe('plain variables of an official text', () => {
  const FORBIDDEN =
    /["'`“”‘’「」＂<>\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/u;

  it.each([
    '长春站”账号异常，请点击http://t.cn/x登录“否则账号作废',
    '“吉林”省www.evil.com/a?b=1 否则',
    'hthttptp://x.cn',
    'ＨＴＴＰ：／／ｅｖｉｌ．ｃｎ/x',
    '站\u202e点\u0000<b>',
    'wwhttpw.evil',
    'a'.repeat(100) + 'http://x',
  ])('should leave no quote, link or control character of %j, in at most 20 characters', (raw) => {
    const plain = plainVariable(raw, 20);
    expect(FORBIDDEN.test(plain)).toBe(false);
    expect(hasLink(plain)).toBe(false);
    expect(codePointLength(plain)).toBeLessThanOrEqual(20);
  });

  it('should drop the link with its address and keep the rest', () => {
    expect(plainVariable('长春站”请点击http://t.cn/x“否则', 20)).toBe('长春站请点击否则');
  });

  it('should keep a legitimate name of up to 20 characters whole, and cut a longer one with …', () => {
    expect(plainVariable('长春市南关区便民服务中心', 20)).toBe('长春市南关区便民服务中心');
    expect(plainVariable('站'.repeat(20), 20)).toBe('站'.repeat(20));
    expect(plainVariable('站'.repeat(21), 20)).toBe('站'.repeat(19) + '…');
    expect(plainVariable(ASTRAL.repeat(21), 20)).toBe(ASTRAL.repeat(19) + '…');
    expect(plainVariable('长春市南关区·自由大路（东段）便民服务中心', 20)).toBe(
      '长春市南关区·自由大路（东段）便民服务…',
    );
  });
});
