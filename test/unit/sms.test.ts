/**
 * The status-change SMS (rule 10; docs/api.md "Status-change SMS") built from a site name stored before names were
 * checked (API.md 2, v1.1): the text carries no quote, link or control character that the name supplied, and the
 * site's variable is at most 20 characters.
 */
import { smsMessage } from '../../cloudfunctions/_server/sms/outbox';
import type { SystemContext } from '../../cloudfunctions/_server/router';
import { SMS_TEMPLATES, SMS_VARIABLE_MAX, smsParams, smsText } from '../../miniprogram/core/sms';

const HOSTILE = '长春站”的账号异常，请立即点击http://t.cn/jxm登录核验“否则账号作废\u202e\u0000';

/** The quotes a template itself puts in (around the site, 吉事办, 码上行动). */
const quotesOf = (text: string) => (text.match(/["'“”‘’]/g) ?? []).length;

describe('the status-change SMS', () => {
  it.each(SMS_TEMPLATES)(
    'should make %s from a hostile name carry no quote or link of the name',
    (template) => {
      const text = smsText(template, { siteName: HOSTILE, role: 'senior', reason: 'manual' });
      const benign = smsText(template, { siteName: '长春站', role: 'senior', reason: 'manual' });
      expect(quotesOf(text)).toBe(quotesOf(benign));
      expect(text).not.toMatch(/http|www\.|t\.cn|[\u0000-\u001f\u202e]/i);
      const site = /^【吉祥码】[^“]*“([^”]*)”/.exec(text)![1];
      expect(Array.from(site).length).toBeLessThanOrEqual(SMS_VARIABLE_MAX);
    },
  );

  it('should name the site as a plain variable of at most 20 characters', () => {
    expect(smsParams({ siteName: HOSTILE, role: 'senior' }).siteName).toBe(
      '长春站的账号异常，请立即点击登录核验否…',
    );
    expect(smsText('position_claimed', { siteName: '长春市南关区便民服务中心', role: 'ordinary' })).toBe(
      '【吉祥码】您已认领“长春市南关区便民服务中心”的普通扫码员账号，账号已启用。',
    );
    expect(smsText('position_activated', { siteName: 'http://t.cn/x', role: 'ordinary' })).toBe(
      '【吉祥码】您的“所在站点”的普通扫码员账号已被激活，可正常使用。',
    );
  });

  it('should store the clean variables and text in the outbox', () => {
    const ctx = { now: new Date('2026-11-27T08:00:00+08:00') } as SystemContext;
    const message = smsMessage(ctx, 'sealed-phone', 'position-1', 'position_created', {
      siteName: HOSTILE,
      role: 'senior',
    });
    expect(message.params.siteName).toBe('长春站的账号异常，请立即点击登录核验否…');
    expect(message.text).toBe(
      '【吉祥码】您已被指定为“长春站的账号异常，请立即点击登录核验否…”的高级扫码员账号持有人，请在72小时内凭邀请码在“吉事办”小程序“码上行动”中认领。',
    );
  });
});
