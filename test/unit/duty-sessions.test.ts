/** Duty sessions (rule 7): when a session covers a scan, and how a change ends it at that instant. */
import type { DutySession } from '../../cloudfunctions/_server/db/documents';
import {
  DUTY_LIFETIME_MS,
  covers,
  endedAt,
  sessionEnd,
} from '../../cloudfunctions/_server/scan/duty-sessions';

const since = new Date('2026-12-01T08:00:00+08:00');
const at = (ms: number) => new Date(since.getTime() + ms);
const session = (extra: Partial<DutySession> = {}): DutySession => ({
  openid: 'holder',
  since,
  location: { type: 'Point', coordinates: [125.3, 43.9] },
  ...extra,
});

describe('a duty session', () => {
  it('lasts twelve hours: covers the last millisecond before, not the instant it ends', () => {
    expect(DUTY_LIFETIME_MS).toBe(12 * 3600_000);
    expect(covers(session(), 'holder', at(0))).toBe(true);
    expect(covers(session(), 'holder', at(-1))).toBe(false);
    expect(covers(session(), 'holder', at(DUTY_LIFETIME_MS - 1))).toBe(true);
    expect(covers(session(), 'holder', at(DUTY_LIFETIME_MS))).toBe(false);
  });

  it('is the holder’s own: it covers nobody else', () => {
    expect(covers(session(), 'someone-else', at(1000))).toBe(false);
  });

  it('ends early where something ended it', () => {
    const ended = session({ endedAt: at(3600_000) });
    expect(sessionEnd(ended)).toBe(at(3600_000).getTime());
    expect(covers(ended, 'holder', at(3600_000 - 1))).toBe(true);
    expect(covers(ended, 'holder', at(3600_000))).toBe(false);
    // an end recorded after the lifetime does not lengthen it
    expect(sessionEnd(session({ endedAt: at(DUTY_LIFETIME_MS + 5000) }))).toBe(
      at(DUTY_LIFETIME_MS).getTime(),
    );
  });
});

describe('ending the sessions of a position', () => {
  it('ends the running session at that instant and leaves finished ones as they were', () => {
    const older = session({ since: at(-DUTY_LIFETIME_MS - 1000) });
    const log = endedAt([session(), older], at(60_000))!;
    expect(log[0]!.endedAt).toEqual(at(60_000));
    expect(log[1]).toBe(older);
    expect(covers(log[0]!, 'holder', at(60_000 + 1))).toBe(false);
  });

  it('writes nothing when no session is running', () => {
    expect(endedAt([session()], at(DUTY_LIFETIME_MS))).toBeNull();
    expect(endedAt(undefined, at(0))).toBeNull();
    expect(endedAt([session({ endedAt: at(10) })], at(20))).toBeNull();
  });
});
