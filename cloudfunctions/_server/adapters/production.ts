/**
 * The production adapters of the ports, for WeChat Cloud. The local cloud replaces them with its stand-ins
 * (tools/local-cloud/services.ts) through `__jxmLocalCloud`.
 */
import { NATIONAL_STATUSES, type NationalStatus } from '../../../miniprogram/core/health-code.rules';
import { cloudSdk } from '../cloud';
import {
  PushRefused,
  ServiceUnavailable,
  type NationalHealthService,
  type NationalRecord,
  type PhoneNumberService,
  type PushSender,
  type RealnameVerifier,
  type SmsSender,
} from '../ports';
import { callGateway, gatewayConfigFromEnv } from './gateway';

/** JXM_REALNAME_*: POST { name, idNumber } → { result: "match" | "mismatch" }. */
export const gatewayRealnameVerifier: RealnameVerifier = {
  async verify(identity) {
    const answer = (await callGateway(
      gatewayConfigFromEnv('realname', 'JXM_REALNAME'),
      identity,
      'realname',
    )) as {
      result?: unknown;
    };
    if (answer?.result === 'match' || answer?.result === 'mismatch') return answer.result;
    throw new ServiceUnavailable('realname');
  },
};

const toDate = (value: unknown): Date | null => {
  if (typeof value !== 'string') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
};

/** JXM_NATIONAL_*: POST { idNumber } → { status, quarantineUntil?, flaggedAt? } (ISO-8601). */
export const gatewayNationalHealthService: NationalHealthService = {
  async check(identity): Promise<NationalRecord> {
    const answer = (await callGateway(
      gatewayConfigFromEnv('national', 'JXM_NATIONAL'),
      { idNumber: identity.idNumber },
      'national',
    )) as { status?: unknown; quarantineUntil?: unknown; flaggedAt?: unknown };
    if (!(NATIONAL_STATUSES as readonly unknown[]).includes(answer?.status))
      throw new ServiceUnavailable('national');
    return {
      status: answer.status as NationalStatus,
      quarantineUntil: toDate(answer.quarantineUntil),
      flaggedAt: toDate(answer.flaggedAt),
    };
  },
};

/**
 * SMS through WeChat Cloud's open API (cloud.openapi.cloudbase.sendSms, a notification template). The function's
 * config.json must grant `cloudbase.sendSms`; JXM_SMS_TEMPLATE_ID names the approved template, whose one variable
 * is the message text.
 */
export const openapiSmsSender: SmsSender = {
  async send(message) {
    const templateId = process.env.JXM_SMS_TEMPLATE_ID;
    if (!templateId) throw new ServiceUnavailable('sms');
    const cloud = cloudSdk();
    // wx-server-sdk throws on any WeChat errcode: the outbox retries
    await cloud.openapi.cloudbase.sendSms({
      env: cloud.getWXContext().ENV,
      phone_number_list: [`+86${message.phone}`],
      sms_type: 'Notification',
      template_id: templateId,
      template_param_list: [message.text.replace(/^【吉祥码】/, '')],
    });
  },
};

/**
 * Alert pushes as WeChat subscribe messages (cloud.openapi.subscribeMessage.send; the function's config.json grants
 * `subscribeMessage.send`). The message template is the one the agency accepted on its desk
 * (wx.requestSubscribeMessage with the same id, which the mini-program reads from config.ts); the outbox passes it.
 * 43101: the user has not accepted it (or used up a one-time acceptance) — recorded, not retried.
 */
export const openapiPushSender: PushSender = {
  async send(message) {
    if (!message.template) throw new ServiceUnavailable('push');
    try {
      await cloudSdk().openapi.subscribeMessage.send({
        touser: message.openid,
        templateId: message.template,
        page: message.page,
        data: message.data,
        miniprogramState: process.env.JXM_PUSH_MINIPROGRAM_STATE ?? 'formal',
        lang: 'zh_CN',
      });
    } catch (err) {
      if ((err as { errCode?: number }).errCode === 43101) throw new PushRefused();
      throw err;
    }
  },
};

/** WeChat's phone number exchange (cloud.openapi.phonenumber.getPhoneNumber; config.json grants it). */
export const openapiPhoneNumbers: PhoneNumberService = {
  async fromCode(code) {
    let result: { phoneInfo?: { purePhoneNumber?: string; countryCode?: string } };
    try {
      result = await cloudSdk().openapi.phonenumber.getPhoneNumber({ code });
    } catch (err) {
      // wx-server-sdk throws on any WeChat errcode: 40029 / 40163 are codes that are invalid or used
      const errCode = (err as { errCode?: number }).errCode;
      if (errCode === 40029 || errCode === 40163) return null;
      throw new ServiceUnavailable('phoneNumber');
    }
    const phone = result.phoneInfo?.purePhoneNumber;
    return result.phoneInfo?.countryCode === '86' && phone ? phone : null;
  },
};
