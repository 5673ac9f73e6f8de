/** 吉事办: real-name registration, profile, daily check-in, the dynamic code, own history (API.md `citizen`). */
import { citizenParams } from '../../../miniprogram/core/contracts/citizen.contract';
import { checkIn, code, history, phoneNumber, profile } from '../../_server/citizen/citizen';
import { register } from '../../_server/citizen/register';
import { createFunction, defineAction } from '../../_server/router';

export const main = createFunction({
  name: 'citizen',
  actions: {
    register: defineAction(citizenParams.register, register),
    profile: defineAction(citizenParams.profile, (_params, ctx) => profile(ctx)),
    checkIn: defineAction(citizenParams.checkIn, checkIn),
    code: defineAction(citizenParams.code, (_params, ctx) => code(ctx)),
    history: defineAction(citizenParams.history, history),
    phoneNumber: defineAction(citizenParams.phoneNumber, phoneNumber),
  },
});
