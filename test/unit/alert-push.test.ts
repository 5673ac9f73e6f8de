/**
 * An alert as raised (cloudfunctions/_server/alerts/raise.ts) and the subscribe message an agency receives for it
 * (alerts/message.ts, rule 15): the site, the kind in the template's five characters and the time in Beijing time,
 * never a person; the region prefixes the alert and its push are found by.
 */
import { raiseAlert } from '../../cloudfunctions/_server/alerts/raise';
import {
  alertPushData,
  PHRASE_MAX,
  PUSH_KIND_WORDS,
  pushTime,
} from '../../cloudfunctions/_server/alerts/message';
import type { SystemContext } from '../../cloudfunctions/_server/router';

const NOW = new Date('2026-12-01T05:05:00Z');

describe('the message', () => {
  it('names each kind in at most five characters', () => {
    expect(PUSH_KIND_WORDS).toEqual({
      fever: '体温异常',
      color: '健康码异常',
      replay: '疑似冒用',
      forced_entry: '强行闯入',
      stale_pass: '离线误放',
    });
    for (const words of Object.values(PUSH_KIND_WORDS))
      expect(Array.from(words).length).toBeLessThanOrEqual(PHRASE_MAX);
  });

  it('gives the time in Beijing time, the day turning at its midnight', () => {
    expect(pushTime(NOW)).toBe('2026年12月01日 13:05');
    expect(pushTime(new Date('2026-12-31T15:59:00Z'))).toBe('2026年12月31日 23:59');
    expect(pushTime(new Date('2026-12-31T16:00:00Z'))).toBe('2027年01月01日 00:00');
  });

  it('holds the site, the kind, the time and the instruction, and nothing else', () => {
    expect(alertPushData('长春站', 'stale_pass', NOW)).toEqual({
      thing1: { value: '长春站' },
      phrase2: { value: '离线误放' },
      time3: { value: '2026年12月01日 13:05' },
      thing4: { value: '请登录吉事办有关部门工作台处置' },
    });
  });

  it('cuts a long site name to twenty characters, and calls a site with no printable name 辖区内站点', () => {
    const long = '吉林省长春市南关区人民大街第一百货商店东门入口';
    expect(alertPushData(long, 'fever', NOW).thing1.value).toBe(`${Array.from(long).slice(0, 19).join('')}…`);
    expect(alertPushData('', 'color', NOW).thing1.value).toBe('辖区内站点');
    expect(alertPushData('\u200b\u200b', 'color', NOW).thing1.value).toBe('辖区内站点');
  });
});

describe('raising an alert', () => {
  const ctx = { now: NOW } as SystemContext;
  const alert = {
    _id: 'scan-1',
    scanId: 'scan-1',
    kind: 'fever' as const,
    scopeAncestors: ['p-root', 'p-senior'],
    site: { id: 'site-1', name: '长春站' },
    person: { name: '王*' },
    temperature: 37.6,
    at: new Date('2026-12-01T04:59:00Z'),
  };

  it('stores it open, found by its site’s region prefixes, with its push pending now', () => {
    const raised = raiseAlert(ctx, alert, { regionCode: '220102' });
    expect(raised.alert).toEqual({
      ...alert,
      regionPrefixes: ['22', '2201', '220102'],
      status: 'open',
      handled: null,
    });
    expect(raised.push).toEqual({
      _id: 'scan-1',
      alertId: 'scan-1',
      regionPrefixes: ['22', '2201', '220102'],
      data: alertPushData('长春站', 'fever', alert.at),
      status: 'pending',
      attempts: 0,
      nextAttemptAt: NOW,
      createdAt: NOW,
      recipients: null,
    });
  });

  it('finds an alert at a site from before regions by the province', () => {
    for (const regionCode of [undefined, null]) {
      const raised = raiseAlert(ctx, alert, { regionCode });
      expect(raised.alert.regionPrefixes).toEqual(['22']);
      expect(raised.push.regionPrefixes).toEqual(['22']);
    }
  });
});
