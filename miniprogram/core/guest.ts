/**
 * A person without a code registered at the gate (API.md `record.guest`, rule 5): a real name is required; an ID
 * number or a phone, when given, must be valid. The same check runs on the scanner's phone before a guest is sent
 * or kept offline, and in the cloud function. Pure.
 */
import type { FieldErrors } from './errors';
import { checkIdNumber, checkName, checkPhone } from './identity';

export interface GuestIdentity {
  name: string;
  idNumber?: string;
  phone?: string;
}

export type CheckedGuest =
  | { ok: true; name: string; idNumber: string | null; phone: string | null }
  | { ok: false; fields: FieldErrors };

/** `today` (Asia/Shanghai, YYYY-MM-DD) bounds an ID number's date of birth. */
export function checkGuestIdentity(guest: GuestIdentity, today: string): CheckedGuest {
  const fields: FieldErrors = {};
  const name = checkName(guest.name);
  if (!name.ok) fields['guest.name'] = name.problem;
  const id = guest.idNumber !== undefined ? checkIdNumber(guest.idNumber, today) : null;
  if (id && !id.ok) fields['guest.idNumber'] = id.problem;
  const phone = guest.phone !== undefined ? checkPhone(guest.phone) : null;
  if (phone && !phone.ok) fields['guest.phone'] = phone.problem;
  if (!name.ok || Object.keys(fields).length > 0) return { ok: false, fields };
  return {
    ok: true,
    name: name.value,
    idNumber: id && id.ok ? id.value : null,
    phone: phone && phone.ok ? phone.value : null,
  };
}
