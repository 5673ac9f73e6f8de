/**
 * A fresh national status (regulation rule 4; API.md section 4, v1.1) as pure rules: when `code` and `profile` ask
 * the platform again, which answers are new, what a new flag or a new `normal` does, and how the national platform
 * and the province's risk list — two sources — make one color.
 */
import {
  NATIONAL_FRESH_MS,
  NATIONAL_RETRY_MS,
  UNVERIFIED,
  colorOf,
  isNewNationalAnswer,
  listRowChanges,
  nationalAnswerEffect,
  nationalAskDue,
  quarantineEndOf,
  quarantineReleasable,
  withListRow,
  withNationalAnswer,
  withNationalUnanswered,
  withProvincialDecision,
  withQuarantineReleased,
  withTemperature,
  type HealthFacts,
  type ListRow,
  type NationalAnswer,
  type NationalFacts,
} from '../../miniprogram/core/health-code.rules';

const T0 = new Date('2022-03-01T08:00:00+08:00');
const MIN = 60_000;
const HOUR = 60 * MIN;
const at = (ms: number) => new Date(T0.getTime() + ms);
const UNTIL = at(14 * 24 * HOUR);

const answer = (
  status: NationalAnswer['status'],
  flaggedAt: Date | null = T0,
  quarantineUntil: Date | null = null,
): NationalAnswer => ({ status, flaggedAt, quarantineUntil });
const row = (status: ListRow['status'], quarantineUntil: Date | null = null): ListRow => ({
  status,
  quarantineUntil,
});

const unverified = (): HealthFacts => ({
  national: { ...UNVERIFIED },
  listFlag: null,
  fever: null,
  provincial: null,
});
/** Verified at T0: the platform answered `normal`, nothing on record. */
const green = (): HealthFacts => withNationalAnswer(unverified(), answer('normal', null), T0);
const color = (facts: HealthFacts) => colorOf(facts).color;

describe('nationalAskDue: fresh for 6 hours', () => {
  const answered = (): NationalFacts => green().national;

  it.each([
    ['1 minute', MIN, false],
    ['5 h 59 min', 6 * HOUR - MIN, false],
    ['exactly 6 h', 6 * HOUR, false],
    ['6 h 1 min', 6 * HOUR + MIN, true],
    ['2 days', 48 * HOUR, true],
  ])('after %s the status is %s to ask again', (_name, elapsed, due) => {
    expect(nationalAskDue(answered(), at(elapsed as number))).toBe(due);
  });

  it('is due for a document from before v1.1 (no dates: never answered), and for every bw code', () => {
    const legacy: NationalFacts = { ...answered() };
    delete legacy.answeredAt;
    delete legacy.askedAt;
    expect(nationalAskDue(legacy, T0)).toBe(true);
    expect(nationalAskDue({ ...UNVERIFIED }, T0)).toBe(true);
  });

  it('asks at most once a minute while the platform does not answer, a verified code and a bw one alike', () => {
    const stale = withNationalUnanswered(green(), at(7 * HOUR)).national;
    expect(nationalAskDue(stale, at(7 * HOUR + NATIONAL_RETRY_MS - 1))).toBe(false);
    expect(nationalAskDue(stale, at(7 * HOUR + NATIONAL_RETRY_MS))).toBe(true);
    const bw = withNationalUnanswered(unverified(), T0).national;
    expect(nationalAskDue(bw, at(59_000))).toBe(false);
    expect(nationalAskDue(bw, at(61_000))).toBe(true);
  });

  it('dates a fresh answer from when it was received', () => {
    const facts = withNationalAnswer(green(), answer('normal', null), at(7 * HOUR));
    expect(facts.national).toMatchObject({ askedAt: at(7 * HOUR), answeredAt: at(7 * HOUR) });
    expect(nationalAskDue(facts.national, at(7 * HOUR + NATIONAL_FRESH_MS))).toBe(false);
    expect(nationalAskDue(facts.national, at(7 * HOUR + NATIONAL_FRESH_MS + 1))).toBe(true);
  });
});

describe('which answer is new', () => {
  const stored = (): NationalFacts =>
    withNationalAnswer(green(), answer('quarantine', at(HOUR), UNTIL), at(HOUR)).national;

  it.each([
    ['the same status and flaggedAt', answer('quarantine', at(HOUR), UNTIL), false],
    ['the same, with another quarantine end', answer('quarantine', at(HOUR), at(HOUR)), false],
    ['the same status without a flaggedAt', answer('quarantine', null, UNTIL), false],
    ['the same status flagged again later', answer('quarantine', at(2 * HOUR), UNTIL), true],
    ['another status', answer('confirmed', at(HOUR)), true],
    ['normal', answer('normal', null), true],
  ])('%s: new is %s', (_name, a, isNew) => {
    expect(isNewNationalAnswer(stored(), a as NationalAnswer)).toBe(isNew);
  });

  it('makes a flag of a new flag, nothing of the same answer or of a new normal, and lifts bw', () => {
    expect(nationalAnswerEffect(stored(), answer('quarantine', at(HOUR), UNTIL))).toBe('none');
    expect(nationalAnswerEffect(stored(), answer('close_contact', at(HOUR)))).toBe('flag');
    expect(nationalAnswerEffect(stored(), answer('normal', at(3 * HOUR)))).toBe('none');
    expect(nationalAnswerEffect({ ...UNVERIFIED }, answer('normal', null))).toBe('verify');
    expect(nationalAnswerEffect({ ...UNVERIFIED }, answer('suspected'))).toBe('flag');
  });
});

describe('a new answer', () => {
  it.each([
    ['close_contact', 'orange'],
    ['quarantine', 'orange'],
    ['suspected', 'red'],
    ['confirmed', 'red'],
  ] as const)('%s turns a green code %s at once', (status, expected) => {
    const facts = withNationalAnswer(green(), answer(status, at(HOUR), UNTIL), at(7 * HOUR));
    expect(colorOf(facts)).toEqual({ color: expected, reason: status });
    expect(facts.national.flaggedAt).toEqual(at(HOUR));
  });

  it('dates a flag without a flaggedAt when it was received', () => {
    const facts = withNationalAnswer(green(), answer('confirmed', null), at(7 * HOUR));
    expect(facts.national.flaggedAt).toEqual(at(7 * HOUR));
    // the same flag, still undated, is not new again (a provincial decision after it holds)
    expect(nationalAnswerEffect(facts.national, answer('confirmed', null))).toBe('none');
  });

  it('of normal lifts bw only: an orange and a red code stay', () => {
    const bw = unverified();
    expect(color(bw)).toBe('bw');
    expect(colorOf(withNationalAnswer(bw, answer('normal', at(HOUR)), at(HOUR)))).toEqual({
      color: 'green',
      reason: 'national_normal',
    });

    const orange = withNationalAnswer(green(), answer('quarantine', at(HOUR), UNTIL), at(HOUR));
    const red = withNationalAnswer(green(), answer('confirmed', at(HOUR)), at(HOUR));
    for (const facts of [orange, red]) {
      const after = withNationalAnswer(facts, answer('normal', at(2 * HOUR)), at(8 * HOUR));
      expect(colorOf(after)).toEqual(colorOf(facts));
      expect(after.national.status).toBe(facts.national.status);
      expect(after.national.flaggedAt).toEqual(facts.national.flaggedAt);
    }
  });

  it('of normal does not end a provincial decision, which holds until a newer national flag', () => {
    const red = withNationalAnswer(green(), answer('confirmed', at(HOUR)), at(HOUR));
    const lifted = withProvincialDecision(red, { color: 'green', reason: '复核排除', at: at(2 * HOUR) });
    expect(color(lifted)).toBe('green');
    expect(color(withNationalAnswer(lifted, answer('confirmed', at(HOUR)), at(8 * HOUR)))).toBe('green');
    expect(color(withNationalAnswer(lifted, answer('normal', at(3 * HOUR)), at(8 * HOUR)))).toBe('green');
    expect(color(withNationalAnswer(lifted, answer('suspected', at(3 * HOUR)), at(8 * HOUR)))).toBe('red');
    expect(color(withNationalAnswer(lifted, answer('confirmed', at(3 * HOUR)), at(8 * HOUR)))).toBe('red');
  });

  it('does not undo a release: the same quarantine answered again stays released', () => {
    const orange = withNationalAnswer(green(), answer('quarantine', at(HOUR), at(2 * HOUR)), at(HOUR));
    const released = withQuarantineReleased(orange, at(3 * HOUR));
    expect(color(released)).toBe('green');
    const again = withNationalAnswer(released, answer('quarantine', at(HOUR), at(2 * HOUR)), at(9 * HOUR));
    expect(colorOf(again)).toEqual({ color: 'green', reason: 'quarantine_released' });
  });
});

describe('no answer', () => {
  it('keeps a verified color (no fall-back to bw) and a bw one bw', () => {
    const orange = withNationalAnswer(green(), answer('close_contact', at(HOUR), UNTIL), at(HOUR));
    for (const facts of [green(), orange, unverified()]) {
      const after = withNationalUnanswered(facts, at(9 * HOUR));
      expect(colorOf(after)).toEqual(colorOf(facts));
      expect(after.national.answeredAt).toEqual(facts.national.answeredAt);
      expect(after.national.askedAt).toEqual(at(9 * HOUR));
    }
  });
});

describe('two sources: the national platform and the province’s risk list', () => {
  const national = (status: NationalAnswer['status']) =>
    withNationalAnswer(green(), answer(status, at(HOUR), UNTIL), at(HOUR));
  const listed = (facts: HealthFacts, status: ListRow['status'], when = at(2 * HOUR)) =>
    withListRow(facts, row(status, UNTIL), when);

  it.each([
    ['normal', 'confirmed', 'red', 'confirmed'],
    ['normal', 'close_contact', 'orange', 'close_contact'],
    ['quarantine', 'confirmed', 'red', 'confirmed'],
    ['confirmed', 'quarantine', 'red', 'confirmed'],
    ['suspected', 'confirmed', 'red', 'suspected'],
    ['close_contact', 'quarantine', 'orange', 'close_contact'],
    ['quarantine', 'cleared', 'orange', 'quarantine'],
    ['confirmed', 'cleared', 'red', 'confirmed'],
    ['normal', 'cleared', 'green', 'national_normal'],
  ] as const)('national %s with a list row %s is %s (%s)', (nationalStatus, listStatus, expected, reason) => {
    expect(colorOf(listed(national(nationalStatus), listStatus))).toEqual({ color: expected, reason });
  });

  it('never lifts a flag of the list by a national normal', () => {
    const flagged = listed(green(), 'confirmed');
    const after = withNationalAnswer(flagged, answer('normal', at(3 * HOUR)), at(9 * HOUR));
    expect(color(after)).toBe('red');
    expect(after.listFlag).toEqual(flagged.listFlag);
  });

  it('lifts with a list’s cleared row the list’s own flag only', () => {
    const both = listed(national('close_contact'), 'confirmed');
    expect(color(both)).toBe('red');
    const cleared = withListRow(both, row('cleared'), at(3 * HOUR));
    expect(cleared.listFlag).toBeNull();
    expect(cleared.national).toEqual(both.national);
    expect(color(cleared)).toBe('orange');
    // nor does a cleared row end a provincial decision
    const provincial = withProvincialDecision(green(), { color: 'red', reason: '研判', at: at(HOUR) });
    expect(color(withListRow(provincial, row('cleared'), at(2 * HOUR)))).toBe('red');
  });

  it('gives a list flag its color while the national platform has never answered (not bw)', () => {
    expect(color(listed(unverified(), 'close_contact'))).toBe('orange');
    expect(color(listed(unverified(), 'cleared'))).toBe('bw');
  });

  it('lets a newer flag of either source end a provincial decision, an older one not', () => {
    const decided = withProvincialDecision(national('confirmed'), {
      color: 'green',
      reason: '复核排除',
      at: at(2 * HOUR),
    });
    expect(color(decided)).toBe('green');
    expect(color(listed(decided, 'suspected', at(3 * HOUR)))).toBe('red');
    expect(color(listed(decided, 'suspected', at(HOUR)))).toBe('green');
  });

  it('reads a document from before v1.1 (no listFlag) as no flag of the list', () => {
    const legacy: HealthFacts = { ...national('quarantine') };
    delete legacy.listFlag;
    expect(colorOf(legacy)).toEqual({ color: 'orange', reason: 'quarantine' });
    expect(quarantineEndOf(legacy)).toEqual(UNTIL);
  });

  it('changes the list’s flag only for another status or end; cleared only when there is one', () => {
    const flagged = listed(green(), 'quarantine').listFlag;
    expect(listRowChanges(flagged, row('quarantine', UNTIL))).toBe(false);
    expect(listRowChanges(flagged, row('quarantine', at(3 * HOUR)))).toBe(true);
    expect(listRowChanges(flagged, row('close_contact', UNTIL))).toBe(true);
    expect(listRowChanges(flagged, row('cleared'))).toBe(true);
    expect(listRowChanges(null, row('cleared'))).toBe(false);
    expect(listRowChanges(undefined, row('confirmed'))).toBe(true);
  });

  it('releases an orange code only when every running quarantine has ended, and releases both', () => {
    const later = at(20 * 24 * HOUR);
    const both = withListRow(national('quarantine'), row('close_contact', later), at(2 * HOUR));
    expect(quarantineEndOf(both)).toEqual(later);
    expect(quarantineReleasable(both, ['none'], UNTIL)).toBe(false);
    expect(quarantineReleasable(both, ['none'], later)).toBe(true);
    const released = withQuarantineReleased(both, later);
    expect(colorOf(released)).toEqual({ color: 'green', reason: 'quarantine_released' });
    expect(released.national.releasedAt).toEqual(later);
    expect(released.listFlag?.releasedAt).toEqual(later);
    // released from the list's quarantine, a fever still makes it yellow
    expect(color(withTemperature(released, 38, later))).toBe('yellow');
  });
});
