/**
 * Identity checks at their edges (GB 11643, rule 2): every province-level region code and none other, real
 * calendar dates only, names in both scripts, mobile numbers with a +86 prefix.
 */
import { checkIdNumber, checkName, checkPhone, idCheckChar } from '../../miniprogram/core/identity';

const TODAY = '2026-11-27';
/** A valid ID number for the region (2 digits) and birth date (YYYYMMDD). */
const idOf = (region: string, born: string) => {
  const first17 = `${region}0102${born}123`;
  return first17 + idCheckChar(first17);
};

describe('checkIdNumber: the region', () => {
  const PROVINCES = [
    '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
    '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65',
    '71', '81', '82', '83',
  ]; // prettier-ignore

  it('accepts every province-level code of GB/T 2260, Taiwan, Hong Kong and Macao', () => {
    for (const region of PROVINCES) {
      const id = idOf(region, '19900101');
      expect({ region, checked: checkIdNumber(id, TODAY) }).toEqual({
        region,
        checked: { ok: true, value: id },
      });
    }
  });

  it('refuses any other two digits (region)', () => {
    for (let n = 0; n < 100; n++) {
      const region = String(n).padStart(2, '0');
      if (PROVINCES.includes(region)) continue;
      expect({ region, checked: checkIdNumber(idOf(region, '19900101'), TODAY) }).toEqual({
        region,
        checked: { ok: false, problem: 'region' },
      });
    }
  });
});

describe('checkIdNumber: the birth date', () => {
  const born = (date: string) => checkIdNumber(idOf('22', date), TODAY);

  it('accepts real calendar dates from 1900-01-01 to today', () => {
    for (const date of ['19000101', '20000229', '19960229', '19991231', '20261127'])
      expect(born(date).ok).toBe(true);
  });

  it('refuses dates that do not exist (birthdate)', () => {
    for (const date of [
      '19900230',
      '19910229',
      '19000229',
      '19900431',
      '19901301',
      '19900001',
      '19900100',
      '19900132',
    ])
      expect({ date, checked: born(date) }).toEqual({ date, checked: { ok: false, problem: 'birthdate' } });
  });

  it('refuses dates before 1900 and after today (birthdate)', () => {
    expect(born('18991231')).toEqual({ ok: false, problem: 'birthdate' });
    expect(born('20261128')).toEqual({ ok: false, problem: 'birthdate' });
  });

  it('checks the format before the region, the region before the date, the date before the check character', () => {
    expect(checkIdNumber('22010219900101123', TODAY)).toEqual({ ok: false, problem: 'length' });
    expect(checkIdNumber('2201021990010112X3', TODAY)).toEqual({ ok: false, problem: 'format' });
    expect(checkIdNumber('X20102199001011234', TODAY)).toEqual({ ok: false, problem: 'format' });
    const badCheck = (id: string) => id.slice(0, 17) + (id[17] === '0' ? '1' : '0');
    expect(checkIdNumber(badCheck(idOf('99', '19900230')), TODAY)).toEqual({ ok: false, problem: 'region' });
    expect(checkIdNumber(badCheck(idOf('22', '19900230')), TODAY)).toEqual({
      ok: false,
      problem: 'birthdate',
    });
    expect(checkIdNumber(badCheck(idOf('22', '19900101')), TODAY)).toEqual({
      ok: false,
      problem: 'checksum',
    });
  });

  it('accepts a lower-case x and surrounding space', () => {
    for (let n = 0; n < 200; n++) {
      const first17 = `220102199001${String(10 + (n % 18)).padStart(2, '0')}${String(n).padStart(3, '0')}`;
      if (idCheckChar(first17) !== 'X') continue;
      expect(checkIdNumber(` ${first17}x `, TODAY)).toEqual({ ok: true, value: `${first17}X` });
      return;
    }
    throw new Error('no ID number with check character X found');
  });
});

describe('checkName', () => {
  it('takes Chinese names of 2–20 characters, with · between transliterated parts', () => {
    expect(checkName('张三')).toEqual({ ok: true, value: '张三' });
    expect(checkName(' 欧阳 娜娜 ')).toEqual({ ok: false, problem: 'format' });
    expect(checkName('阿依古丽 • 买买提')).toEqual({ ok: true, value: '阿依古丽·买买提' });
    expect(checkName('阿依古丽・买买提')).toEqual({ ok: true, value: '阿依古丽·买买提' });
    expect(checkName('阿依古丽.买买提')).toEqual({ ok: true, value: '阿依古丽·买买提' });
    expect(checkName('张')).toEqual({ ok: false, problem: 'length' });
    expect(checkName('张'.repeat(20)).ok).toBe(true);
    // a Chinese name is counted as one: 21 characters is too long even though a Latin name could be 60
    expect(checkName('张'.repeat(21))).toEqual({ ok: false, problem: 'length' });
    expect(checkName('张三A')).toEqual({ ok: false, problem: 'format' });
    expect(checkName('㐀㐁')).toEqual({ ok: true, value: '㐀㐁' });
  });

  it('takes Latin names of 2–60 letters, spaces folded', () => {
    expect(checkName('  John   Smith ')).toEqual({ ok: true, value: 'John Smith' });
    expect(checkName("O'Neil-Smith Jr.")).toEqual({ ok: true, value: "O'Neil-Smith Jr." });
    expect(checkName('J')).toEqual({ ok: false, problem: 'length' });
    expect(checkName('a'.repeat(60)).ok).toBe(true);
    expect(checkName('a'.repeat(61))).toEqual({ ok: false, problem: 'length' });
    expect(checkName('John3')).toEqual({ ok: false, problem: 'format' });
    expect(checkName('   ')).toEqual({ ok: false, problem: 'empty' });
  });
});

describe('checkPhone', () => {
  it('takes 11 digits starting 13–19, with or without +86 and separators', () => {
    expect(checkPhone('13912345678')).toEqual({ ok: true, value: '13912345678' });
    expect(checkPhone('+86 139-1234-5678')).toEqual({ ok: true, value: '13912345678' });
    expect(checkPhone('8613912345678')).toEqual({ ok: true, value: '13912345678' });
    expect(checkPhone('+8613912345678')).toEqual({ ok: true, value: '13912345678' });
    expect(checkPhone('19912345678').ok).toBe(true);
  });

  it('refuses anything else', () => {
    for (const bad of [
      '12912345678',
      '1391234567',
      '139123456789',
      '+8612912345678',
      '+85213912345678',
      '8813912345678',
      '1391234567a',
    ])
      expect({ bad, checked: checkPhone(bad) }).toEqual({ bad, checked: { ok: false, problem: 'format' } });
  });
});
