import {
  colorOf,
  gateDecision,
  quarantineReleasable,
  UNVERIFIED,
  withNationalFlag,
  withNationalVerified,
  withProvincialDecision,
  withQuarantineReleased,
  withTemperature,
  type Color,
  type ColorReason,
  type HealthFacts,
  type ProvincialDecision,
  type Symptom,
} from '../../miniprogram/core/health-code.rules';

/** A timeline, one hour apart: T0 < T1 < T2 < T3 < T4. */
const T0 = new Date('2022-03-01T08:00:00+08:00');
const at = (hours: number) => new Date(T0.getTime() + hours * 3600_000);
const T1 = at(1);
const T2 = at(2);
const T3 = at(3);
const T4 = at(4);
const DAY = 24 * 3600_000;
const QUARANTINE_END = new Date(T0.getTime() + 14 * DAY);

const unverified = (): HealthFacts => ({ national: { ...UNVERIFIED }, fever: null, provincial: null });
/** Verified by the national platform: nothing on record. */
const normal = (): HealthFacts => withNationalVerified(unverified());
const flagged = (
  status: 'close_contact' | 'quarantine' | 'confirmed' | 'suspected',
  when = T0,
): HealthFacts => withNationalFlag(normal(), { status, quarantineUntil: QUARANTINE_END }, when);
const fever = (facts: HealthFacts, temperature = 38.2, when = T1): HealthFacts =>
  withTemperature(facts, temperature, when);
const decision = (color: ProvincialDecision['color'], when = T2): ProvincialDecision => ({
  color,
  reason: '省疫情防控指挥部调整',
  at: when,
});
const province = (facts: HealthFacts, color: ProvincialDecision['color'], when = T2): HealthFacts =>
  withProvincialDecision(facts, decision(color, when));

interface Transition {
  name: string;
  facts: () => HealthFacts;
  color: Color;
  reason: ColorReason;
}

const transitions: Transition[] = [
  // national platform
  { name: 'national normal', facts: normal, color: 'green', reason: 'national_normal' },
  {
    name: 'a national answer of normal',
    facts: () => withNationalFlag(unverified(), { status: 'normal', quarantineUntil: null }, T0),
    color: 'green',
    reason: 'national_normal',
  },
  // on-site temperature
  {
    name: 'normal with 37.2 °C',
    facts: () => fever(normal(), 37.2),
    color: 'green',
    reason: 'national_normal',
  },
  {
    name: 'normal with 37.3 °C',
    facts: () => fever(normal(), 37.3),
    color: 'yellow',
    reason: 'onsite_fever',
  },
  { name: 'normal with 39.0 °C', facts: () => fever(normal(), 39), color: 'yellow', reason: 'onsite_fever' },
  {
    name: 'a fever then 36.5 °C at another scanner',
    facts: () => withTemperature(fever(normal(), 38.5, T1), 36.5, T2),
    color: 'green',
    reason: 'national_normal',
  },
  {
    name: 'a fever then 37.2 °C',
    facts: () => withTemperature(fever(normal(), 37.3, T1), 37.2, T2),
    color: 'green',
    reason: 'national_normal',
  },
  {
    name: 'two fevers in a row',
    facts: () => withTemperature(fever(normal(), 37.5, T1), 38.1, T2),
    color: 'yellow',
    reason: 'onsite_fever',
  },
  // quarantine
  { name: 'close contact', facts: () => flagged('close_contact'), color: 'orange', reason: 'close_contact' },
  { name: 'quarantine', facts: () => flagged('quarantine'), color: 'orange', reason: 'quarantine' },
  {
    name: 'quarantine released',
    facts: () => withQuarantineReleased(flagged('quarantine'), QUARANTINE_END),
    color: 'green',
    reason: 'quarantine_released',
  },
  {
    name: 'close contact released',
    facts: () => withQuarantineReleased(flagged('close_contact'), QUARANTINE_END),
    color: 'green',
    reason: 'quarantine_released',
  },
  {
    name: 'released, then a fever',
    facts: () => fever(withQuarantineReleased(flagged('quarantine'), T1), 37.8, T2),
    color: 'yellow',
    reason: 'onsite_fever',
  },
  {
    name: 'released, then flagged close contact again',
    facts: () =>
      withNationalFlag(
        withQuarantineReleased(flagged('quarantine'), T1),
        { status: 'close_contact', quarantineUntil: QUARANTINE_END },
        T2,
      ),
    color: 'orange',
    reason: 'close_contact',
  },
  {
    name: 'orange with a fever',
    facts: () => fever(flagged('quarantine'), 38.5),
    color: 'orange',
    reason: 'quarantine',
  },
  {
    name: 'a fever, then flagged close contact',
    facts: () => withNationalFlag(fever(normal()), { status: 'close_contact', quarantineUntil: null }, T2),
    color: 'orange',
    reason: 'close_contact',
  },
  // confirmed and suspected
  { name: 'confirmed', facts: () => flagged('confirmed'), color: 'red', reason: 'confirmed' },
  { name: 'suspected', facts: () => flagged('suspected'), color: 'red', reason: 'suspected' },
  {
    name: 'red with a fever',
    facts: () => fever(flagged('confirmed'), 39.1),
    color: 'red',
    reason: 'confirmed',
  },
  {
    name: 'suspected with a fever',
    facts: () => fever(flagged('suspected'), 37.3),
    color: 'red',
    reason: 'suspected',
  },
  {
    name: 'quarantine, then confirmed',
    facts: () => withNationalFlag(flagged('quarantine'), { status: 'confirmed', quarantineUntil: null }, T1),
    color: 'red',
    reason: 'confirmed',
  },
  // cleared by the national platform or a risk list
  {
    name: 'confirmed, then cleared',
    facts: () => withNationalFlag(flagged('confirmed'), { status: 'cleared', quarantineUntil: null }, T1),
    color: 'green',
    reason: 'national_normal',
  },
  {
    name: 'quarantine, then cleared',
    facts: () =>
      withNationalFlag(flagged('quarantine'), { status: 'cleared', quarantineUntil: QUARANTINE_END }, T1),
    color: 'green',
    reason: 'national_normal',
  },
  // unverified
  { name: 'unverified', facts: unverified, color: 'bw', reason: 'unverified' },
  {
    name: 'unverified, then verified',
    facts: () => withNationalVerified(unverified()),
    color: 'green',
    reason: 'national_normal',
  },
  {
    name: 'unverified with a provincial red',
    facts: () => province(unverified(), 'red'),
    color: 'red',
    reason: 'provincial',
  },
  {
    name: 'unverified with a provincial green',
    facts: () => province(unverified(), 'green'),
    color: 'green',
    reason: 'provincial',
  },
  {
    name: 'unverified with a provincial orange',
    facts: () => province(unverified(), 'orange'),
    color: 'orange',
    reason: 'provincial',
  },
  // provincial decisions
  { name: 'provincial red', facts: () => province(normal(), 'red'), color: 'red', reason: 'provincial' },
  {
    name: 'provincial orange',
    facts: () => province(normal(), 'orange'),
    color: 'orange',
    reason: 'provincial',
  },
  {
    name: 'provincial yellow',
    facts: () => province(normal(), 'yellow'),
    color: 'yellow',
    reason: 'provincial',
  },
  {
    name: 'provincial green',
    facts: () => province(normal(), 'green'),
    color: 'green',
    reason: 'provincial',
  },
  {
    name: 'provincial green after a national confirmed',
    facts: () => province(flagged('confirmed', T0), 'green', T1),
    color: 'green',
    reason: 'provincial',
  },
  {
    name: 'provincial green over a quarantine flag',
    facts: () => province(flagged('quarantine', T0), 'green', T1),
    color: 'green',
    reason: 'provincial',
  },
  {
    name: 'provincial red over a national normal answer',
    facts: () =>
      province(withNationalFlag(normal(), { status: 'normal', quarantineUntil: null }, T0), 'red', T1),
    color: 'red',
    reason: 'provincial',
  },
  {
    name: 'provincial green with an open fever',
    facts: () => fever(province(normal(), 'green', T1), 37.9, T2),
    color: 'yellow',
    reason: 'onsite_fever',
  },
  {
    name: 'an open fever, then provincial green',
    facts: () => province(fever(normal(), 37.9, T1), 'green', T2),
    color: 'yellow',
    reason: 'onsite_fever',
  },
  {
    name: 'provincial green, a fever, then a normal temperature',
    facts: () => withTemperature(fever(province(normal(), 'green', T1), 38, T2), 36.6, T3),
    color: 'green',
    reason: 'provincial',
  },
  {
    name: 'provincial orange with a fever',
    facts: () => fever(province(normal(), 'orange', T1), 38.4, T2),
    color: 'orange',
    reason: 'provincial',
  },
  {
    name: 'provincial red with a fever',
    facts: () => fever(province(normal(), 'red', T1), 38.4, T2),
    color: 'red',
    reason: 'provincial',
  },
  // a newer national flag overrides an older provincial decision
  {
    name: 'provincial green, then a newer national confirmed',
    facts: () =>
      withNationalFlag(province(normal(), 'green', T1), { status: 'confirmed', quarantineUntil: null }, T2),
    color: 'red',
    reason: 'confirmed',
  },
  {
    name: 'provincial red, then a newer national cleared',
    facts: () =>
      withNationalFlag(
        province(flagged('confirmed', T0), 'red', T1),
        { status: 'cleared', quarantineUntil: null },
        T2,
      ),
    color: 'green',
    reason: 'national_normal',
  },
  {
    name: 'provincial green, then a newer national close contact',
    facts: () =>
      withNationalFlag(
        province(normal(), 'green', T1),
        { status: 'close_contact', quarantineUntil: QUARANTINE_END },
        T3,
      ),
    color: 'orange',
    reason: 'close_contact',
  },
  {
    name: 'provincial orange, then a newer national normal, then a fever',
    facts: () =>
      fever(
        withNationalFlag(province(normal(), 'orange', T1), { status: 'normal', quarantineUntil: null }, T2),
        37.6,
        T3,
      ),
    color: 'yellow',
    reason: 'onsite_fever',
  },
  {
    name: 'a national flag, then a newer provincial decision, then an unrelated verification',
    facts: () => withNationalVerified(province(flagged('confirmed', T0), 'yellow', T4)),
    color: 'yellow',
    reason: 'provincial',
  },
];

describe('colorOf (regulation rule 4)', () => {
  it.each(transitions)('should give $color ($reason) for $name', ({ facts, color, reason }) => {
    expect(colorOf(facts())).toEqual({ color, reason });
  });
});

describe('withNationalFlag', () => {
  it('should keep a quarantine end only for close contact and quarantine', () => {
    expect(flagged('quarantine').national.quarantineUntil).toEqual(QUARANTINE_END);
    expect(flagged('close_contact').national.quarantineUntil).toEqual(QUARANTINE_END);
    expect(flagged('confirmed').national.quarantineUntil).toBeNull();
    expect(
      withNationalFlag(normal(), { status: 'cleared', quarantineUntil: QUARANTINE_END }, T1).national,
    ).toEqual({ status: 'normal', quarantineUntil: null, flaggedAt: T1, verified: true, releasedAt: null });
  });

  it('should not change the facts it was given', () => {
    const before = flagged('quarantine');
    const copy = structuredClone(before);
    withNationalFlag(before, { status: 'confirmed', quarantineUntil: null }, T2);
    withTemperature(before, 39, T2);
    withQuarantineReleased(before, T2);
    withProvincialDecision(before, decision('red'));
    expect(before).toEqual(copy);
  });
});

describe('withTemperature', () => {
  it('should keep the opening of a fever that stays open', () => {
    const first = withTemperature(normal(), 37.4, T1);
    const second = withTemperature(first, 38.6, T2);
    expect(second.fever).toEqual({ openedAt: T1, temperature: 37.4 });
  });

  it('should close a fever with any normal temperature', () => {
    expect(withTemperature(withTemperature(normal(), 37.4, T1), 36.0, T2).fever).toBeNull();
  });
});

describe('quarantineReleasable', () => {
  const quarantined = (until: Date | null, status: 'quarantine' | 'close_contact' = 'quarantine') =>
    withNationalFlag(normal(), { status, quarantineUntil: until }, T0);
  const NOW = QUARANTINE_END;
  const LATER = new Date(QUARANTINE_END.getTime() + DAY);
  const EARLIER = new Date(QUARANTINE_END.getTime() - 1);

  const rows: {
    name: string;
    facts: () => HealthFacts;
    symptoms: readonly Symptom[] | null;
    now: Date;
    releasable: boolean;
  }[] = [
    {
      name: 'the quarantine ends now and the check-in says none',
      facts: () => quarantined(QUARANTINE_END),
      symptoms: ['none'],
      now: NOW,
      releasable: true,
    },
    {
      name: 'the quarantine ended a day ago and the check-in says none',
      facts: () => quarantined(QUARANTINE_END),
      symptoms: ['none'],
      now: LATER,
      releasable: true,
    },
    {
      name: 'the person is a close contact whose quarantine ended, with no symptoms',
      facts: () => quarantined(QUARANTINE_END, 'close_contact'),
      symptoms: ['none'],
      now: LATER,
      releasable: true,
    },
    {
      name: 'the latest check-in reports a cough',
      facts: () => quarantined(QUARANTINE_END),
      symptoms: ['cough'],
      now: LATER,
      releasable: false,
    },
    {
      name: 'the latest check-in reports a fever',
      facts: () => quarantined(QUARANTINE_END),
      symptoms: ['fever'],
      now: LATER,
      releasable: false,
    },
    {
      name: 'the latest check-in mixes none with a symptom',
      facts: () => quarantined(QUARANTINE_END),
      symptoms: ['none', 'fatigue'],
      now: LATER,
      releasable: false,
    },
    {
      name: 'the latest check-in lists nothing',
      facts: () => quarantined(QUARANTINE_END),
      symptoms: [],
      now: LATER,
      releasable: false,
    },
    {
      name: 'there is no check-in',
      facts: () => quarantined(QUARANTINE_END),
      symptoms: null,
      now: LATER,
      releasable: false,
    },
    {
      name: 'the quarantine ends a millisecond later',
      facts: () => quarantined(QUARANTINE_END),
      symptoms: ['none'],
      now: EARLIER,
      releasable: false,
    },
    {
      name: 'the quarantine end is in the future',
      facts: () => quarantined(LATER),
      symptoms: ['none'],
      now: NOW,
      releasable: false,
    },
    {
      name: 'the quarantine has no end',
      facts: () => quarantined(null),
      symptoms: ['none'],
      now: LATER,
      releasable: false,
    },
    {
      name: 'the person is already released',
      facts: () => withQuarantineReleased(quarantined(QUARANTINE_END), NOW),
      symptoms: ['none'],
      now: LATER,
      releasable: false,
    },
    {
      name: 'the person is national normal',
      facts: normal,
      symptoms: ['none'],
      now: LATER,
      releasable: false,
    },
    {
      name: 'the person is confirmed (with a quarantine end on record)',
      facts: () => {
        const f = flagged('confirmed');
        return { ...f, national: { ...f.national, quarantineUntil: QUARANTINE_END } };
      },
      symptoms: ['none'],
      now: LATER,
      releasable: false,
    },
  ];

  it.each(rows)('should be $releasable when $name', ({ facts, symptoms, now, releasable }) => {
    expect(quarantineReleasable(facts(), symptoms, now)).toBe(releasable);
  });

  it('should turn a releasable orange code green once released', () => {
    const facts = quarantined(QUARANTINE_END);
    expect(colorOf(facts)).toEqual({ color: 'orange', reason: 'quarantine' });
    expect(quarantineReleasable(facts, ['none'], LATER)).toBe(true);
    const released = withQuarantineReleased(facts, LATER);
    expect(colorOf(released)).toEqual({ color: 'green', reason: 'quarantine_released' });
    expect(quarantineReleasable(released, ['none'], LATER)).toBe(false);
  });
});

describe('gateDecision', () => {
  const rows: { color: Color; temperature: number; expected: 'allow' | 'deny' }[] = [
    { color: 'green', temperature: 36.5, expected: 'allow' },
    { color: 'green', temperature: 37.2, expected: 'allow' },
    { color: 'bw', temperature: 36.5, expected: 'allow' },
    { color: 'bw', temperature: 37.2, expected: 'allow' },
    { color: 'bw', temperature: 37.3, expected: 'deny' },
    { color: 'bw', temperature: 39.0, expected: 'deny' },
    { color: 'yellow', temperature: 36.5, expected: 'deny' },
    { color: 'yellow', temperature: 37.3, expected: 'deny' },
    { color: 'orange', temperature: 36.5, expected: 'deny' },
    { color: 'red', temperature: 36.5, expected: 'deny' },
    { color: 'red', temperature: 35.0, expected: 'deny' },
  ];

  it.each(rows)('should $expected a $color code at $temperature °C', ({ color, temperature, expected }) => {
    expect(gateDecision(color, temperature)).toBe(expected);
  });
});
