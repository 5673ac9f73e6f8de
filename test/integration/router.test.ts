/**
 * A cloud function's main (cloudfunctions/_server/router.ts) on the real wx-server-sdk: the caller only from
 * getWXContext(), domain errors as envelopes, unexpected failures as INTERNAL with a log line free of personal
 * data, and the platform's own fields ignored.
 */
import { DomainError } from '../../cloudfunctions/_server/envelope';
import { createFunction, defineAction } from '../../cloudfunctions/_server/router';
import { v } from '../../miniprogram/core/validation';
import { openEmbeddedDb } from '../helpers/embedded-db';

const seen: string[] = [];
const main = createFunction({
  name: 'citizen',
  actions: {
    whoami: defineAction(v.object({ note: v.optional(v.string({ max: 10 })) }), async (params, ctx) => ({
      openid: ctx.openid,
      note: params.note ?? null,
    })),
    refuse: defineAction(v.object({}), async () => {
      throw new DomainError('ID_INVALID', undefined, { idNumber: 'checksum' });
    }),
    crash: defineAction(v.object({}), async () => {
      throw new Error('cannot seal 220102199001011239 for 王建国, phone 13812345678');
    }),
  },
  timers: {
    tick: async () => ({ ticked: true }),
  },
});

let errors: jest.SpyInstance;

beforeAll(() => {
  openEmbeddedDb();
  errors = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    seen.push(args.map(String).join(' '));
  });
});

afterAll(() => errors.mockRestore());

function as(openid: string | null) {
  process.env.WX_CONTEXT_KEYS = 'WX_OPENID,WX_APPID';
  if (openid === null) delete process.env.WX_OPENID;
  else process.env.WX_OPENID = openid;
}

it('takes the caller from getWXContext() and ignores userInfo sent along by wx.cloud', async () => {
  as('wx-user-1');
  expect(await main({ action: 'whoami', note: 'hi', userInfo: { openId: 'forged', appId: 'x' } })).toEqual({
    ok: true,
    data: { openid: 'wx-user-1', note: 'hi' },
  });
});

it('answers a DomainError with its code, Chinese message and fields', async () => {
  as('wx-user-1');
  expect(await main({ action: 'refuse' })).toEqual({
    ok: false,
    error: { code: 'ID_INVALID', message: '身份证号码校验失败', fields: { idNumber: 'checksum' } },
  });
});

it('answers an unexpected failure with INTERNAL and logs it without personal data', async () => {
  as('wx-user-1');
  seen.length = 0;
  expect(await main({ action: 'crash' })).toEqual({
    ok: false,
    error: { code: 'INTERNAL', message: '系统繁忙，请稍后再试' },
  });
  const line = seen.join('\n');
  expect(line).toContain('action_failed');
  expect(line).toContain('crash');
  for (const secret of ['220102199001011239', '13812345678', '王建国']) expect(line).not.toContain(secret);
});

it('without a caller, runs timers only: an action is NO_IDENTITY', async () => {
  as(null);
  expect(await main({ action: 'whoami' })).toEqual({
    ok: false,
    error: { code: 'NO_IDENTITY', message: '无法确认您的微信身份，请重新进入小程序' },
  });
  expect(await main({ Type: 'Timer', TriggerName: 'tick' })).toEqual({ ok: true, data: { ticked: true } });
  expect((await main({ Type: 'Timer', TriggerName: 'nope' })) as unknown).toMatchObject({
    error: { code: 'UNKNOWN_ACTION' },
  });
});

it('without a caller, runs a timer only for a timer trigger: a trigger name alone is no timer', async () => {
  as(null);
  expect(await main({ TriggerName: 'tick' })).toMatchObject({ ok: false, error: { code: 'NO_IDENTITY' } });
  expect(await main({ Type: 'Http', TriggerName: 'tick' })).toMatchObject({ error: { code: 'NO_IDENTITY' } });
});

it('answers a call that is not an object, or whose action is missing, null or not a name, with the field at fault', async () => {
  as('wx-user-1');
  expect(await main('whoami')).toMatchObject({ error: { code: 'BAD_REQUEST', fields: { _: 'type' } } });
  expect(await main([{ action: 'whoami' }])).toMatchObject({
    error: { code: 'BAD_REQUEST', fields: { _: 'type' } },
  });
  for (const event of [{}, { action: null }])
    expect(await main(event)).toMatchObject({
      error: { code: 'BAD_REQUEST', fields: { action: 'required' } },
    });
  expect(await main({ action: 7 })).toMatchObject({
    error: { code: 'BAD_REQUEST', fields: { action: 'type' } },
  });
});

it('takes an empty OPENID for no caller', async () => {
  as('');
  expect(await main({ action: 'whoami' })).toMatchObject({ ok: false, error: { code: 'NO_IDENTITY' } });
});

it('refuses a parameter it does not know, even a harmless one', async () => {
  as('wx-user-1');
  expect(await main({ action: 'whoami', extra: 1 })).toMatchObject({
    error: { code: 'BAD_REQUEST', fields: { extra: 'unknown' } },
  });
  expect(await main({ action: 'whoami', note: 'x'.repeat(11) })).toMatchObject({
    error: { code: 'BAD_REQUEST', fields: { note: 'tooLong' } },
  });
});
