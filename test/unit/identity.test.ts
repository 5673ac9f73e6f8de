import {
  checkIdNumber,
  checkName,
  checkPhone,
  maskIdNumber,
  maskName,
  maskPhone,
} from '../../miniprogram/core/identity';

/** GB 11643-1999, computed here independently of the code under test. */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

function checkChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new Error(`not 17 digits: ${first17}`);
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK_CHARS[sum % 11];
}

/** A well-formed ID number: region (6 digits), birth date YYYYMMDD, sequence (3 digits), check character. */
function idNumber(region: string, birth: string, sequence = '001'): string {
  const first17 = `${region}${birth}${sequence}`;
  return first17 + checkChar(first17);
}

/** The same number with its check character replaced by a wrong one. */
function withWrongCheck(id: string): string {
  const right = id[17];
  const wrong = right === '0' ? '1' : '0';
  return id.slice(0, 17) + wrong;
}

const TODAY = '2024-06-15';

/** Published examples: the example of GB 11643-1999, and one generated and checked by hand for this file. */
const KNOWN_VALID = ['11010519491231002X', '22010219900306123X', '220104198802010015'];

describe('the test helper', () => {
  it('should reproduce the check character of the published GB 11643 example', () => {
    expect(checkChar('11010519491231002')).toBe('X');
    expect(idNumber('110105', '19491231', '002')).toBe('11010519491231002X');
  });

  it.each(KNOWN_VALID)('should agree that %s carries its own check character', (id) => {
    expect(checkChar(id.slice(0, 17))).toBe(id[17]);
  });
});

describe('checkIdNumber', () => {
  it.each(KNOWN_VALID)('should accept the known-valid number %s', (id) => {
    expect(checkIdNumber(id, TODAY)).toEqual({ ok: true, value: id });
  });

  it('should accept a lower-case x and return it upper-case', () => {
    expect(checkIdNumber('11010519491231002x', TODAY)).toEqual({ ok: true, value: '11010519491231002X' });
  });

  it('should trim surrounding space', () => {
    expect(checkIdNumber('  22010219900306123X ', TODAY)).toEqual({ ok: true, value: '22010219900306123X' });
  });

  it.each([
    ['1', '2'],
    ['2', '3'],
    ['X', '0'],
    ['0', 'X'],
  ])('should refuse a number whose check character %s was replaced by %s', (right, wrong) => {
    // find a sequence number that gives the wanted check character
    let id = '';
    for (let seq = 0; seq < 1000 && !id; seq++) {
      const candidate = idNumber('320102', '19850615', String(seq).padStart(3, '0'));
      if (candidate[17] === right) id = candidate;
    }
    expect(id).not.toBe('');
    expect(checkIdNumber(id, TODAY)).toEqual({ ok: true, value: id });
    expect(checkIdNumber(id.slice(0, 17) + wrong, TODAY)).toEqual({ ok: false, problem: 'checksum' });
  });

  it('should refuse a transposition of two digits through the checksum', () => {
    const id = idNumber('220102', '19900306', '123');
    const swapped = id.slice(0, 14) + id[15] + id[14] + id.slice(16);
    expect(swapped).not.toBe(id);
    expect(checkIdNumber(swapped, TODAY)).toEqual({ ok: false, problem: 'checksum' });
  });

  it('should refuse the published example with a wrong check character', () => {
    expect(checkIdNumber(withWrongCheck('11010519491231002X'), TODAY)).toEqual({
      ok: false,
      problem: 'checksum',
    });
  });

  describe('birth date', () => {
    it.each(['20000229', '20240229', '19000101', '19000301', '20231231', '19491001'])(
      'should accept the real date %s',
      (birth) => {
        const id = idNumber('220102', birth);
        expect(checkIdNumber(id, TODAY)).toEqual({ ok: true, value: id });
      },
    );

    it.each([
      ['19000229', '1900 is not a leap year'],
      ['20230229', '2023 is not a leap year'],
      ['20230230', 'no 30 February'],
      ['20230431', 'no 31 April'],
      ['20231301', 'no month 13'],
      ['20230001', 'no month 0'],
      ['20230100', 'no day 0'],
      ['20230132', 'no day 32'],
    ])('should refuse %s (%s)', (birth) => {
      expect(checkIdNumber(idNumber('220102', birth), TODAY)).toEqual({ ok: false, problem: 'birthdate' });
    });

    it('should refuse a date before 1900', () => {
      expect(checkIdNumber(idNumber('220102', '18991231'), TODAY)).toEqual({
        ok: false,
        problem: 'birthdate',
      });
      // the GB 11643 illustration of a person born in 1880, with a correct check character
      expect(checkIdNumber('440524188001010014', TODAY)).toEqual({ ok: false, problem: 'birthdate' });
    });

    it('should accept a birth on `today` and refuse one the day after', () => {
      const born = idNumber('220102', '20240615');
      expect(checkIdNumber(born, '2024-06-15')).toEqual({ ok: true, value: born });
      expect(checkIdNumber(born, '2024-06-14')).toEqual({ ok: false, problem: 'birthdate' });
      expect(checkIdNumber(idNumber('220102', '20240616'), '2024-06-15')).toEqual({
        ok: false,
        problem: 'birthdate',
      });
    });

    it('should judge the future against the `today` argument, not the clock', () => {
      const id = idNumber('220102', '20300101');
      expect(checkIdNumber(id, '2029-12-31')).toEqual({ ok: false, problem: 'birthdate' });
      expect(checkIdNumber(id, '2030-01-01')).toEqual({ ok: true, value: id });
    });
  });

  describe('region', () => {
    it.each(['11', '22', '31', '44', '65', '71', '81', '82', '83'])(
      'should accept the province-level code %s',
      (code) => {
        const id = idNumber(`${code}0102`, '19900306');
        expect(checkIdNumber(id, TODAY)).toEqual({ ok: true, value: id });
      },
    );

    it.each(['10', '19', '20', '24', '66', '80', '84', '99', '00'])(
      'should refuse %s, which names no province',
      (code) => {
        expect(checkIdNumber(idNumber(`${code}0102`, '19900306'), TODAY)).toEqual({
          ok: false,
          problem: 'region',
        });
      },
    );
  });

  describe('length and format', () => {
    it.each([
      ['', 'empty'],
      ['11010519491231002', '17 characters'],
      ['11010519491231002X0', '19 characters'],
      ['110105491231002', 'the old 15-digit number'],
    ])('should refuse %j (%s) for its length', (raw) => {
      expect(checkIdNumber(raw, TODAY)).toEqual({ ok: false, problem: 'length' });
    });

    it.each([
      ['1101051949123100XX', 'X before the last place'],
      ['X10105194912310020', 'X in front'],
      ['11010519491231002Y', 'a letter other than X'],
      ['110105-9491231002X', 'a dash'],
      ['１１０１０５１９４９１２３１００２Ｘ', 'full-width digits'],
      ['11010519491231 02X', 'an inner space'],
    ])('should refuse %j (%s) for its format', (raw) => {
      expect(checkIdNumber(raw, TODAY)).toEqual({ ok: false, problem: 'format' });
    });
  });
});

describe('checkName', () => {
  it.each([
    ['张三', '张三'],
    ['欧阳娜娜', '欧阳娜娜'],
    ['阿依古丽·买买提', '阿依古丽·买买提'],
    ['  张三  ', '张三'],
  ])('should accept the Chinese name %j as %j', (raw, value) => {
    expect(checkName(raw)).toEqual({ ok: true, value });
  });

  it.each([
    ['阿依古丽•买买提', 'a bullet'],
    ['阿依古丽・买买提', 'a katakana middle dot'],
    ['阿依古丽.买买提', 'a full stop'],
    ['阿依古丽 · 买买提', 'spaces around the dot'],
    ['阿依古丽  •  买买提', 'runs of space around a bullet'],
  ])('should normalise %j (%s) to the middle dot', (raw) => {
    expect(checkName(raw)).toEqual({ ok: true, value: '阿依古丽·买买提' });
  });

  it('should normalise every separator of a name in several parts', () => {
    expect(checkName('爱新觉罗 . 玄烨•测试')).toEqual({ ok: true, value: '爱新觉罗·玄烨·测试' });
  });

  it.each([
    ['John Smith', 'John Smith'],
    ["Mary-Jane O'Neil", "Mary-Jane O'Neil"],
    ['Jr. Martin Luther King', 'Jr. Martin Luther King'],
    ['  John    Smith ', 'John Smith'],
    ['Li', 'Li'],
  ])('should accept the Latin name %j as %j', (raw, value) => {
    expect(checkName(raw)).toEqual({ ok: true, value });
  });

  it.each(['', '   ', '\t\n'])('should call %j empty', (raw) => {
    expect(checkName(raw)).toEqual({ ok: false, problem: 'empty' });
  });

  it('should bound a Chinese name to 2–20 characters', () => {
    expect(checkName('张')).toEqual({ ok: false, problem: 'length' });
    expect(checkName('张'.repeat(20))).toEqual({ ok: true, value: '张'.repeat(20) });
    expect(checkName('张'.repeat(21))).toEqual({ ok: false, problem: 'length' });
  });

  it('should bound a Latin name to 2–60 characters', () => {
    expect(checkName('J')).toEqual({ ok: false, problem: 'length' });
    const sixty = 'A'.repeat(30) + ' ' + 'B'.repeat(29);
    expect(sixty).toHaveLength(60);
    expect(checkName(sixty)).toEqual({ ok: true, value: sixty });
    expect(checkName(sixty + 'C')).toEqual({ ok: false, problem: 'length' });
  });

  it.each([
    ['张3', 'a digit'],
    ['张三😀', 'an emoji'],
    ['张 三', 'a space without a dot'],
    ['·张三', 'a leading dot'],
    ['张三·', 'a trailing dot'],
    ['张··三', 'two dots'],
    ['张三John', 'mixed scripts'],
    ['张-三', 'a hyphen'],
  ])('should refuse the Chinese name %j (%s)', (raw) => {
    expect(checkName(raw)).toEqual({ ok: false, problem: 'format' });
  });

  it.each([
    ['John2', 'a digit'],
    ['John 😀', 'an emoji'],
    ['-John', 'a leading hyphen'],
    ['John_Smith', 'an underscore'],
    ['John <b>', 'markup'],
    ['Jöhn', 'a letter outside A–Z'],
  ])('should refuse the Latin name %j (%s)', (raw) => {
    expect(checkName(raw)).toEqual({ ok: false, problem: 'format' });
  });
});

describe('checkPhone', () => {
  it.each(['13', '14', '15', '16', '17', '18', '19'])('should accept a number starting %s', (prefix) => {
    const phone = `${prefix}012345678`;
    expect(checkPhone(phone)).toEqual({ ok: true, value: phone });
  });

  it.each([
    ['+86 138 0013 8000', 'a +86 prefix and spaces'],
    ['+8613800138000', 'a +86 prefix'],
    ['138-0013-8000', 'dashes'],
    [' 138 0013 8000 ', 'surrounding space'],
    ['+86-138-0013-8000', 'a +86 prefix and dashes'],
  ])('should normalise %j (%s)', (raw) => {
    expect(checkPhone(raw)).toEqual({ ok: true, value: '13800138000' });
  });

  it.each([
    ['12345678901', 'a 12 prefix'],
    ['10012345678', 'a 10 prefix'],
    ['11012345678', 'an 11 prefix'],
    ['23800138000', 'not starting with 1'],
    ['138001380001', '12 digits'],
    ['1380013800', '10 digits'],
    ['+8612345678901', 'a 12 prefix behind +86'],
    ['+85213800138000', 'another country code'],
    ['138.0013.8000', 'dots'],
    ['1380013800a', 'a letter'],
    ['', 'nothing'],
  ])('should refuse %j (%s)', (raw) => {
    expect(checkPhone(raw)).toEqual({ ok: false, problem: 'format' });
  });
});

describe('masking', () => {
  it.each([
    ['张三', '张*'],
    ['欧阳娜', '欧**'],
    ['欧阳娜娜', '欧***'],
    ['阿依古丽·买买提', '阿*******'],
    ['John Smith', 'J*** *****'],
    ["Mary-Jane O'Neil", 'M******** ******'],
    ['Li', 'L*'],
    ['', ''],
  ])('should mask the name %j as %j', (name, masked) => {
    expect(maskName(name)).toBe(masked);
  });

  it('should keep the first 4 and last 4 characters of an ID number', () => {
    expect(maskIdNumber('22010219900306123X')).toBe('2201**********123X');
    expect(maskIdNumber('11010519491231002X')).toBe('1101**********002X');
  });

  it('should reveal nothing of a string too short to mask by the rule', () => {
    expect(maskIdNumber('12345678')).toBe('********');
  });

  it('should keep the first 3 and last 4 digits of a phone number', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('19900001111')).toBe('199****1111');
  });

  it('should reveal nothing of a phone number that is not 11 digits', () => {
    expect(maskPhone('1381234567')).toBe('**********');
  });
});
