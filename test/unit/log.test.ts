/**
 * What the functions log (cloudfunctions/_server/log.ts, rule 3: no personal data in logs): free text loses every
 * digit run long enough to be an ID or a phone number and every run of Chinese text, which could be a name — whole,
 * so that not even a name's length shows — and is cut to 300 characters; the rest stays readable.
 */
import { logEvent, logFailure, redact } from '../../cloudfunctions/_server/log';
import { loggedJson } from '../helpers/logged';

afterEach(() => jest.restoreAllMocks());

describe('redact', () => {
  it('replaces ID numbers, phone numbers and Chinese text, each run by one mark', () => {
    expect(redact('身份证 220102199001011239 手机 13812345678 姓名 王建国')).toBe(
      '[text] [digits] [text] [digits] [text] [text]',
    );
  });

  it('takes an ID number’s final X with it, and a name’s middle dot', () => {
    expect(redact('id=22010219900101123X;')).toBe('id=[digits];');
    expect(redact('id=22010219900101123x;')).toBe('id=[digits];');
    expect(redact('阿依古丽·买买提 at gate')).toBe('[text] at gate');
  });

  it('keeps digit runs shorter than six (codes, counts, ports) and the text around them', () => {
    expect(redact('status 503 after 12345 ms on port 3900')).toBe('status 503 after 12345 ms on port 3900');
    expect(redact('at 123456')).toBe('at [digits]');
    expect(redact('X1234')).toBe('X1234');
  });

  it('cuts what is left to 300 characters', () => {
    expect(redact('a'.repeat(1000))).toBe('a'.repeat(300));
    expect(redact(`${'王'.repeat(500)}b`)).toBe('[text]b');
  });
});

describe('logFailure', () => {
  it('logs the event, its details, the error’s name and code, and the message redacted', () => {
    const logged = loggedJson('error');
    logFailure('action_failed', new TypeError('cannot seal 13812345678 for 王建国'), { fn: 'citizen' });
    logFailure('push_failed', Object.assign(new Error('errcode 45009'), { errCode: 45009 }), { attempts: 2 });
    logFailure('sms_failed', Object.assign(new Error('E11000'), { code: 'E_DUP', errCode: 1 }));
    expect(logged()).toEqual([
      {
        event: 'action_failed',
        fn: 'citizen',
        error: 'TypeError',
        code: '',
        message: 'cannot seal [digits] for [text]',
      },
      { event: 'push_failed', attempts: 2, error: 'Error', code: '45009', message: 'errcode 45009' },
      { event: 'sms_failed', error: 'Error', code: 'E_DUP', message: 'E11000' },
    ]);
  });

  it('logs whatever was thrown, a string, null or a plain object, without failing itself', () => {
    const logged = loggedJson('error');
    logFailure('a', 'failed for 王建国');
    logFailure('b', null);
    logFailure('c', { errCode: -1, errMsg: 'timeout for 13812345678' });
    expect(logged()).toEqual([
      { event: 'a', error: 'string', code: '', message: 'failed for [text]' },
      { event: 'b', error: 'object', code: '', message: 'null' },
      { event: 'c', error: 'object', code: '-1', message: 'timeout for [digits]' },
    ]);
  });
});

describe('logEvent', () => {
  it('logs one JSON line: the event and the details given', () => {
    const logged = loggedJson('log');
    logEvent('sms_sent', { template: 'position_disabled', attempts: 1, retry: false, next: null });
    logEvent('tick');
    expect(logged()).toEqual([
      { event: 'sms_sent', template: 'position_disabled', attempts: 1, retry: false, next: null },
      { event: 'tick' },
    ]);
  });
});
