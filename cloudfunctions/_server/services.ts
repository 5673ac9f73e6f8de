/**
 * Which adapter serves each port in this invocation: the local cloud's stand-ins when a local cloud hosts the
 * function (`__jxmLocalCloud`), the production adapters in WeChat Cloud.
 */
import {
  gatewayNationalHealthService,
  gatewayRealnameVerifier,
  openapiPhoneNumbers,
  openapiPushSender,
  openapiSmsSender,
} from './adapters/production';
import {
  localCloudHooks,
  systemClock,
  type Clock,
  type NationalHealthService,
  type PhoneNumberService,
  type PushSender,
  type RealnameVerifier,
  type SmsSender,
} from './ports';
import { passKeysFromEnv, type PassKeyRing } from './privacy/pass';
import { keyRingFromEnv, type KeyRing } from './privacy/personal-data';

export interface Ports {
  clock: Clock;
  realname: RealnameVerifier;
  national: NationalHealthService;
  sms: SmsSender;
  push: PushSender;
  phoneNumbers: PhoneNumberService;
  /** The data and index keys; throws KeyConfigurationError when the environment has none. */
  keys(): KeyRing;
  /** The pass-signing keys (API.md 2.3); throws KeyConfigurationError when a variable is malformed. */
  passKeys(): PassKeyRing;
}

export function resolvePorts(): Ports {
  const local = localCloudHooks();
  return {
    clock: local?.clock ?? systemClock,
    realname: local?.realname ?? gatewayRealnameVerifier,
    national: local?.national ?? gatewayNationalHealthService,
    sms: local?.sms ?? openapiSmsSender,
    push: local?.push ?? openapiPushSender,
    phoneNumbers: local?.phoneNumbers ?? openapiPhoneNumbers,
    keys: () => keyRingFromEnv(),
    passKeys: () => passKeysFromEnv(),
  };
}
