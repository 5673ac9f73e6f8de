/**
 * Edges of the pure rules that other tests leave open: the dynamic code's parser and comparison, the late-sync
 * bound, the texts people type (line breaks, link forms, how a variable of an official text is made plain), the
 * phone's fix and the plausible temperatures.
 */
import { createHmac } from 'node:crypto';
import {
  LATE_SYNC_MAX_MS,
  PREVIOUS_SEED_GRACE_MS,
  SEED_LIFETIME_MS,
  STEP_SECONDS,
  STEP_WINDOW,
  checkCode,
  codeStep,
  parseCode,
  renderCode,
  sameMac,
  type HmacSha256Hex,
} from '../../miniprogram/core/dynamic-code';
import { FIX_SEND_MAX_AGE_MS, fixOf } from '../../miniprogram/core/geo';
import {
  FEVER_THRESHOLD_C,
  PLAUSIBLE_TEMPERATURE_C,
  colorOf,
  gateDecision,
  nationalAskDue,
  quarantineEndOf,
  withQuarantineReleased,
  type HealthFacts,
  type NationalFacts,
} from '../../miniprogram/core/health-code.rules';
import { checkFreeText, checkSiteName, hasLink, plainVariable } from '../../miniprogram/core/text';

const hmac: HmacSha256Hex = (key, message) =>
  createHmac('sha256', Buffer.from(key, 'base64')).update(message).digest('hex');
const SEED = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';
const OTHER_SEED = 'q83vASNFZ4mrze8BI0VniavN7wEjRWeJq83vASNFZ4k=';
const CODE_ID = '0123456789abcdef';
const NOW = new Date('2026-11-27T00:00:00Z');
const DAY = 24 * 3600_000;

describe('the dynamic code', () => {
  it('keeps its published constants', () => {
    expect(STEP_SECONDS).toBe(30);
    expect(STEP_WINDOW).toBe(2);
    expect(PREVIOUS_SEED_GRACE_MS).toBe(5 * 60_000);
    expect(SEED_LIFETIME_MS).toBe(7 * DAY);
    // a late sync from the offline queue: at most 24 hours old (API.md 2.2)
    expect(LATE_SYNC_MAX_MS).toBe(24 * 3600_000);
  });

  it('parses a code with surrounding space, up to 80 characters in all', () => {
    const text = renderCode(hmac, { codeId: CODE_ID, seed: SEED }, NOW.getTime());
    const parsed = { codeId: CODE_ID, step: codeStep(NOW.getTime()), mac: text.slice(-16) };
    expect(parseCode(text)).toEqual(parsed);
    expect(parseCode(` ${text}\n`)).toEqual(parsed);
    expect(parseCode(text.padEnd(80, ' '))).toEqual(parsed);
    expect(parseCode(text.padEnd(81, ' '))).toBeNull();
    expect(parseCode(text.toUpperCase())).toBeNull();
    expect(parseCode(42 as unknown as string)).toBeNull();
  });

  it('compares macs of different lengths as different', () => {
    expect(sameMac('abc', 'abcd')).toBe(false);
    expect(sameMac('abcd', 'abc')).toBe(false);
    expect(sameMac('', '')).toBe(true);
    expect(sameMac('0123456789abcdef', '0123456789abcdef')).toBe(true);
    expect(sameMac('0123456789abcdef', '0123456789abcdee')).toBe(false);
    expect(sameMac('1123456789abcdef', '0123456789abcdef')).toBe(false);
  });

  it('accepts a code if any seed that matches it was valid at the scan time', () => {
    const step = codeStep(NOW.getTime());
    const code = parseCode(renderCode(hmac, { codeId: CODE_ID, seed: SEED }, NOW.getTime()))!;
    expect(code.step).toBe(step);
    // the same seed recorded twice: once long expired, once current
    const expired = { seed: SEED, issuedAt: new Date(NOW.getTime() - 30 * DAY), supersededAt: null };
    const current = { seed: SEED, issuedAt: new Date(NOW.getTime() - DAY), supersededAt: null };
    expect(checkCode(hmac, code, [expired, current], NOW)).toEqual({ ok: true });
    expect(checkCode(hmac, code, [current, expired], NOW)).toEqual({ ok: true });
    expect(checkCode(hmac, code, [expired], NOW)).toEqual({ ok: false, reason: 'expired' });
    const other = { seed: OTHER_SEED, issuedAt: new Date(NOW.getTime() - DAY), supersededAt: null };
    expect(checkCode(hmac, code, [other], NOW)).toEqual({ ok: false, reason: 'invalid' });
  });
});

describe('texts people type', () => {
  it('stores a multi-line text with \\n, whatever line breaks it came with', () => {
    expect(checkFreeText('一\r\n二\r三\n四', { max: 20, lines: true })).toEqual({
      ok: true,
      value: '一\n二\n三\n四',
    });
    expect(checkFreeText('一\r二', { max: 20 })).toEqual({ ok: false, problem: 'format' });
  });

  it('refuses a text shorter than its minimum, counted after trimming', () => {
    expect(checkFreeText(' ab ', { max: 20, min: 3 })).toEqual({ ok: false, problem: 'tooShort' });
    expect(checkFreeText(' abc ', { max: 20, min: 3 })).toEqual({ ok: true, value: 'abc' });
    expect(checkFreeText('', { max: 20, min: 0 })).toEqual({ ok: true, value: '' });
    expect(checkFreeText('  ', { max: 20 })).toEqual({ ok: false, problem: 'empty' });
    expect(checkFreeText('𠀀'.repeat(3), { max: 3 })).toEqual({ ok: true, value: '𠀀'.repeat(3) });
    expect(checkFreeText('𠀀'.repeat(4), { max: 3 })).toEqual({ ok: false, problem: 'tooLong' });
  });

  it('sees a link written with an ideographic full stop', () => {
    expect(hasLink('ｗｗｗ。example')).toBe(true);
    expect(hasLink('example。cn')).toBe(true);
    expect(hasLink('长春站。南关区')).toBe(false);
    expect(checkSiteName('长春站。南关').ok).toBe(true);
    expect(checkSiteName('长春ｗｗｗ。站')).toEqual({ ok: false, problem: 'format' });
  });

  it('makes a variable plain: invisible characters and quotes dropped, space folded and trimmed', () => {
    expect(plainVariable('长春\u0000站', 20)).toBe('长春站');
    expect(plainVariable('\u202e长春站\u202c', 20)).toBe('长春站');
    expect(plainVariable('“长春站”', 20)).toBe('长春站');
    expect(plainVariable('  长春   南关 \t 站  ', 20)).toBe('长春 南关 站');
    expect(plainVariable('长春站 http://t.cn/x 南关', 20)).toBe('长春站 南关');
    expect(plainVariable('长'.repeat(20), 20)).toBe('长'.repeat(20));
    expect(plainVariable('长'.repeat(21), 20)).toBe(`${'长'.repeat(19)}…`);
    expect(plainVariable('', 20)).toBe('');
  });
});

describe('the phone’s fix', () => {
  it('keeps a usable accuracy and drops any other', () => {
    expect(fixOf({ latitude: 43.9, longitude: 125.3, accuracy: 35 })).toEqual({
      latitude: 43.9,
      longitude: 125.3,
      accuracy: 35,
    });
    expect(fixOf({ latitude: 43.9, longitude: 125.3, accuracy: 0 })).toEqual({
      latitude: 43.9,
      longitude: 125.3,
      accuracy: 0,
    });
    for (const accuracy of [-1, NaN, Infinity, undefined, '35' as unknown as number]) {
      expect(fixOf({ latitude: 43.9, longitude: 125.3, accuracy })).toEqual({
        latitude: 43.9,
        longitude: 125.3,
      });
    }
    // nothing else of what wx.getLocation reports is passed on
    const reported = { latitude: 1, longitude: 2, accuracy: 3, altitude: 4, speed: 5 };
    expect(fixOf(reported)).toEqual({ latitude: 1, longitude: 2, accuracy: 3 });
  });

  it('is sent with a scan while at most two minutes old', () => {
    expect(FIX_SEND_MAX_AGE_MS).toBe(2 * 60_000);
  });
});

describe('temperatures', () => {
  it('are plausible from 34 to 43 °C, abnormal from 37.3 °C', () => {
    expect(PLAUSIBLE_TEMPERATURE_C).toEqual({ min: 34, max: 43 });
    expect(FEVER_THRESHOLD_C).toBe(37.3);
    // the colour is the one after the reading (a fever has already made green yellow)
    expect(gateDecision('green', 36.5)).toBe('allow');
    expect(gateDecision('bw', 37.2)).toBe('allow');
    expect(gateDecision('bw', 37.3)).toBe('deny');
    for (const color of ['yellow', 'orange', 'red'] as const) expect(gateDecision(color, 36.5)).toBe('deny');
  });
});

describe('health-code rules at their edges', () => {
  const national = (change: Partial<NationalFacts> = {}): NationalFacts => ({
    status: 'normal',
    quarantineUntil: null,
    flaggedAt: null,
    verified: true,
    releasedAt: null,
    ...change,
  });
  const facts = (change: Partial<HealthFacts> = {}): HealthFacts => ({
    national: national(),
    listFlag: null,
    fever: null,
    provincial: null,
    ...change,
  });
  const HOUR = 3600_000;

  it('lets a provincial decision taken at the same instant as the flag decide (it follows the flag)', () => {
    const at = new Date(NOW.getTime() - HOUR);
    const flagged = national({ status: 'confirmed', flaggedAt: at });
    const decided = { color: 'green' as const, reason: '核实', at };
    expect(colorOf(facts({ national: flagged, provincial: decided }))).toEqual({
      color: 'green',
      reason: 'provincial',
    });
    // a flag one millisecond newer than the decision overrides it
    const newer = national({ status: 'confirmed', flaggedAt: new Date(at.getTime() + 1) });
    expect(colorOf(facts({ national: newer, provincial: decided }))).toEqual({
      color: 'red',
      reason: 'confirmed',
    });
    // a decision with no flag at all decides
    expect(colorOf(facts({ provincial: { ...decided, color: 'orange' } }))).toEqual({
      color: 'orange',
      reason: 'provincial',
    });
  });

  it('asks the national platform again while the code is bw, however fresh the last answer', () => {
    const unverified = national({
      verified: false,
      answeredAt: new Date(NOW.getTime() - 5 * 60_000),
      askedAt: new Date(NOW.getTime() - 2 * 60_000),
    });
    expect(nationalAskDue(unverified, NOW)).toBe(true);
    expect(nationalAskDue({ ...unverified, verified: true }, NOW)).toBe(false);
    // but not twice within a minute
    expect(nationalAskDue({ ...unverified, askedAt: new Date(NOW.getTime() - 30_000) }, NOW)).toBe(false);
  });

  it('has no end for the quarantines while one of them has none', () => {
    const until = new Date(NOW.getTime() + 24 * HOUR);
    const listFlag = {
      status: 'quarantine' as const,
      quarantineUntil: until,
      flaggedAt: NOW,
      releasedAt: null,
    };
    expect(quarantineEndOf(facts({ national: national({ status: 'close_contact' }), listFlag }))).toBeNull();
    expect(
      quarantineEndOf(
        facts({ national: national({ status: 'close_contact', quarantineUntil: NOW }), listFlag }),
      ),
    ).toEqual(until);
  });

  it('releases only the flags that are quarantines', () => {
    const confirmedList = {
      status: 'confirmed' as const,
      quarantineUntil: null,
      flaggedAt: NOW,
      releasedAt: null,
    };
    const released = withQuarantineReleased(
      facts({ national: national({ status: 'quarantine', quarantineUntil: NOW }), listFlag: confirmedList }),
      NOW,
    );
    expect(released.national.releasedAt).toEqual(NOW);
    expect(released.listFlag).toEqual(confirmedList);
    expect(withQuarantineReleased(facts(), NOW)).toEqual(facts());
  });
});
