/**
 * A person without a code registered at the gate (miniprogram/core/guest.ts): the one check the scanner's phone and
 * the cloud function both run, so that nobody is let through offline on details the cloud would refuse at the sync.
 */
import { checkGuestIdentity } from '../../miniprogram/core/guest';
import { idNumberOf } from '../helpers/identities';

const TODAY = '2026-12-01';
const ID = idNumberOf(7, '19500307');

describe('checkGuestIdentity', () => {
  it('takes a name alone, normalised as an ID document writes it, with nothing else to check', () => {
    expect(checkGuestIdentity({ name: '  阿依古丽 • 买买提 ' }, TODAY)).toEqual({
      ok: true,
      name: '阿依古丽·买买提',
      idNumber: null,
      phone: null,
    });
    expect(checkGuestIdentity({ name: 'John  Smith' }, TODAY)).toEqual({
      ok: true,
      name: 'John Smith',
      idNumber: null,
      phone: null,
    });
  });

  it('gives back the ID number in capitals and the phone without its +86, spaces and dashes', () => {
    const lower = ID.endsWith('X') ? ID.slice(0, 17) + 'x' : ID;
    expect(
      checkGuestIdentity({ name: '周玉兰', idNumber: ` ${lower} `, phone: '+86 138-0013-8000' }, TODAY),
    ).toEqual({
      ok: true,
      name: '周玉兰',
      idNumber: ID,
      phone: '13800138000',
    });
  });

  it('names every wrong field at once, by its place in the request', () => {
    const wrongCheck = ID.slice(0, 17) + (ID.endsWith('1') ? '2' : '1');
    expect(checkGuestIdentity({ name: '', idNumber: wrongCheck, phone: '1380013800' }, TODAY)).toEqual({
      ok: false,
      fields: { 'guest.name': 'empty', 'guest.idNumber': 'checksum', 'guest.phone': 'format' },
    });
    expect(checkGuestIdentity({ name: '1' }, TODAY)).toEqual({
      ok: false,
      fields: { 'guest.name': 'length' },
    });
    expect(checkGuestIdentity({ name: '周玉兰', phone: '' }, TODAY)).toEqual({
      ok: false,
      fields: { 'guest.phone': 'format' },
    });
    expect(checkGuestIdentity({ name: '周玉兰', idNumber: '' }, TODAY)).toEqual({
      ok: false,
      fields: { 'guest.idNumber': 'length' },
    });
  });

  it('refuses an ID number born after today, and takes one born today', () => {
    const bornToday = idNumberOf(8, '20261201');
    const bornTomorrow = idNumberOf(8, '20261202');
    expect(checkGuestIdentity({ name: '周小宝', idNumber: bornToday }, TODAY)).toMatchObject({ ok: true });
    expect(checkGuestIdentity({ name: '周小宝', idNumber: bornTomorrow }, TODAY)).toEqual({
      ok: false,
      fields: { 'guest.idNumber': 'birthdate' },
    });
  });
});
