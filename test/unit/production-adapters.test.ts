/**
 * The production adapters that call WeChat's open API (cloudfunctions/_server/adapters/production.ts): the SMS,
 * the alert pushes and the phone number exchange. No WeChat server can be reached here, so the SDK's `openapi` is
 * replaced by a recorder that answers as WeChat does — wx-server-sdk resolves with the result, or throws with the
 * errcode — and the test reads what the adapter sent and what it made of each answer. Which adapter serves a port
 * (the local cloud's stand-ins or these) is `resolvePorts`, pinned at the end.
 */
import {
  gatewayNationalHealthService,
  gatewayRealnameVerifier,
  openapiPhoneNumbers,
  openapiPushSender,
  openapiSmsSender,
} from '../../cloudfunctions/_server/adapters/production';
import { isPushRefused, isServiceUnavailable } from '../../cloudfunctions/_server/ports';
import { resolvePorts } from '../../cloudfunctions/_server/services';

type Call = { api: string; args: Record<string, unknown> };

const mockCalls: Call[] = [];
let mockAnswer: () => Promise<unknown> = async () => ({});

const weChatError = (errCode: number) => Object.assign(new Error(`errcode ${errCode}`), { errCode });

jest.mock('../../cloudfunctions/_server/cloud', () => {
  const api =
    (name: string) =>
    (args: Record<string, unknown>): Promise<unknown> => {
      mockCalls.push({ api: name, args });
      return mockAnswer();
    };
  const sdk = {
    getWXContext: () => ({ ENV: 'jxm-prod-1a2b' }),
    openapi: {
      cloudbase: { sendSms: api('cloudbase.sendSms') },
      subscribeMessage: { send: api('subscribeMessage.send') },
      phonenumber: { getPhoneNumber: api('phonenumber.getPhoneNumber') },
    },
  };
  return { cloudSdk: () => sdk };
});

const savedEnv = { ...process.env };

beforeEach(() => {
  mockCalls.length = 0;
  mockAnswer = async () => ({});
  process.env = { ...savedEnv };
});

afterAll(() => {
  process.env = savedEnv;
});

async function thrown(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
}

describe('the SMS (cloudbase.sendSms, a notification template)', () => {
  const message = {
    phone: '13812345678',
    template: 'position_disabled',
    text: '【吉祥码】您在长春站的扫码岗位已停用。',
    params: {},
  };

  it('sends the text without its signature, to the +86 number, in this environment, with the template', async () => {
    process.env.JXM_SMS_TEMPLATE_ID = 'tpl-notice-7';
    await openapiSmsSender.send(message);
    expect(mockCalls).toEqual([
      {
        api: 'cloudbase.sendSms',
        args: {
          env: 'jxm-prod-1a2b',
          phone_number_list: ['+8613812345678'],
          sms_type: 'Notification',
          template_id: 'tpl-notice-7',
          template_param_list: ['您在长春站的扫码岗位已停用。'],
        },
      },
    ]);
  });

  it('keeps a signature that is not at the start', async () => {
    process.env.JXM_SMS_TEMPLATE_ID = 'tpl-notice-7';
    await openapiSmsSender.send({ ...message, text: '请注意【吉祥码】' });
    expect(mockCalls[0].args.template_param_list).toEqual(['请注意【吉祥码】']);
  });

  it('without a template id sends nothing and is unavailable, so the outbox keeps the message', async () => {
    delete process.env.JXM_SMS_TEMPLATE_ID;
    const failure = await thrown(openapiSmsSender.send(message));
    expect(isServiceUnavailable(failure)).toBe(true);
    expect(failure).toMatchObject({ message: 'sms unavailable' });
    expect(mockCalls).toEqual([]);
  });

  it('passes WeChat’s refusal on, for the outbox to retry', async () => {
    process.env.JXM_SMS_TEMPLATE_ID = 'tpl-notice-7';
    mockAnswer = async () => {
      throw weChatError(-501001);
    };
    expect(await thrown(openapiSmsSender.send(message))).toMatchObject({ errCode: -501001 });
  });
});

describe('the alert pushes (subscribeMessage.send)', () => {
  const message = {
    openid: 'o-agency-1',
    template: 'tpl-alert-3',
    page: 'admin/agency/agency',
    data: { thing1: { value: '长春站' } },
  };

  it('sends the template the agency accepted, to its openid, opening its desk, in the released version', async () => {
    delete process.env.JXM_PUSH_MINIPROGRAM_STATE;
    await openapiPushSender.send(message);
    expect(mockCalls).toEqual([
      {
        api: 'subscribeMessage.send',
        args: {
          touser: 'o-agency-1',
          templateId: 'tpl-alert-3',
          page: 'admin/agency/agency',
          data: { thing1: { value: '长春站' } },
          miniprogramState: 'formal',
          lang: 'zh_CN',
        },
      },
    ]);
  });

  it('opens the version the environment names (a trial version under test)', async () => {
    process.env.JXM_PUSH_MINIPROGRAM_STATE = 'trial';
    await openapiPushSender.send(message);
    expect(mockCalls[0].args.miniprogramState).toBe('trial');
  });

  it('43101 (not accepted by the user) is a refusal, recorded and never retried; other errcodes are retried', async () => {
    mockAnswer = async () => {
      throw weChatError(43101);
    };
    const refused = await thrown(openapiPushSender.send(message));
    expect(isPushRefused(refused)).toBe(true);
    expect(refused).toMatchObject({ message: 'subscribe message refused by the user' });
    mockAnswer = async () => {
      throw weChatError(45009);
    };
    const busy = await thrown(openapiPushSender.send(message));
    expect(isPushRefused(busy)).toBe(false);
    expect(busy).toMatchObject({ errCode: 45009 });
  });

  it('without a template sends nothing and is unavailable', async () => {
    const failure = await thrown(openapiPushSender.send({ ...message, template: '' }));
    expect(isServiceUnavailable(failure)).toBe(true);
    expect(failure).toMatchObject({ message: 'push unavailable' });
    expect(mockCalls).toEqual([]);
  });
});

describe('the phone number exchange (phonenumber.getPhoneNumber)', () => {
  it('answers a mainland number for its code', async () => {
    mockAnswer = async () => ({ phoneInfo: { purePhoneNumber: '13812345678', countryCode: '86' } });
    expect(await openapiPhoneNumbers.fromCode('code-1')).toBe('13812345678');
    expect(mockCalls).toEqual([{ api: 'phonenumber.getPhoneNumber', args: { code: 'code-1' } }]);
  });

  it('answers null for a number outside the mainland, or none', async () => {
    mockAnswer = async () => ({ phoneInfo: { purePhoneNumber: '91234567', countryCode: '852' } });
    expect(await openapiPhoneNumbers.fromCode('code-2')).toBeNull();
    mockAnswer = async () => ({ phoneInfo: { purePhoneNumber: '', countryCode: '86' } });
    expect(await openapiPhoneNumbers.fromCode('code-3')).toBeNull();
    mockAnswer = async () => ({});
    expect(await openapiPhoneNumbers.fromCode('code-4')).toBeNull();
  });

  it('answers null for a code that is invalid (40029) or used (40163); any other errcode is unavailable', async () => {
    for (const errCode of [40029, 40163]) {
      mockAnswer = async () => {
        throw weChatError(errCode);
      };
      expect(await openapiPhoneNumbers.fromCode('code-x')).toBeNull();
    }
    mockAnswer = async () => {
      throw weChatError(-1);
    };
    const failure = await thrown(openapiPhoneNumbers.fromCode('code-y'));
    expect(isServiceUnavailable(failure)).toBe(true);
    expect(failure).toMatchObject({ message: 'phoneNumber unavailable' });
  });
});

describe('which adapter serves a port', () => {
  afterEach(() => {
    delete globalThis.__jxmLocalCloud;
  });

  it('in WeChat Cloud, the production adapters and the system clock', () => {
    delete globalThis.__jxmLocalCloud;
    const ports = resolvePorts();
    expect(ports.sms).toBe(openapiSmsSender);
    expect(ports.push).toBe(openapiPushSender);
    expect(ports.phoneNumbers).toBe(openapiPhoneNumbers);
    expect(ports.national).toBe(gatewayNationalHealthService);
    expect(ports.realname).toBe(gatewayRealnameVerifier);
    expect(Math.abs(ports.clock.now().getTime() - Date.now())).toBeLessThan(1000);
  });

  it('in the local cloud, its stand-ins, each of them', () => {
    const stand = (name: string) => ({ name });
    const hooks = {
      clock: { now: () => new Date(0) },
      realname: stand('realname'),
      national: stand('national'),
      sms: stand('sms'),
      push: stand('push'),
      phoneNumbers: stand('phoneNumbers'),
    };
    globalThis.__jxmLocalCloud = hooks as unknown as typeof globalThis.__jxmLocalCloud;
    const ports = resolvePorts();
    expect(ports.clock.now()).toEqual(new Date(0));
    for (const name of ['realname', 'national', 'sms', 'push', 'phoneNumbers'] as const)
      expect(ports[name]).toBe(hooks[name]);
  });
});
