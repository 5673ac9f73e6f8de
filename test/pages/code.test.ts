/**
 * 我的吉祥码 (pages/code): the live code a citizen shows at the gate.
 */
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { personOf } from '../helpers/identities';
import { closePage, openPage, phone, resetPhone, startCloud, stopCloud, textOf, until } from './harness';

let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startCloud();
});
afterAll(stopCloud);

it('should show the code with its colour in words, the masked name, a live clock and a QR', async () => {
  resetPhone('code-green');
  const me = personOf(3001);
  await cloud.functions.invoke('citizen', { action: 'register', ...me }, { openid: 'code-green' });
  const page = openPage('pages/code/code');
  await until(() => page.data.state === 'ready', 'the code');
  const text = textOf(page);
  expect(text).toContain('绿码');
  expect(text).toContain('可正常通行');
  expect(text).toContain(me.name[0] + '*');
  expect(text).not.toContain(me.name);
  expect(page.data.clock).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  expect(page.data.qrText).toMatch(/^JXM1\.[0-9a-f]{16}\.\d+\.[0-9a-f]{16}$/);
  closePage(page);
});

it('should say that the epidemic period has ended, and show no code, not even the one kept on the phone', async () => {
  resetPhone('code-ended');
  const me = personOf(3002);
  await cloud.functions.invoke('citizen', { action: 'register', ...me }, { openid: 'code-ended' });
  const before = openPage('pages/code/code');
  await until(() => before.data.state === 'ready', 'the code');
  closePage(before);
  process.env.JXM_EPIDEMIC_END = new Date(Date.now() - 1000).toISOString();
  try {
    const page = openPage('pages/code/code');
    await until(() => textOf(page).includes('本次疫情防控期已结束'), 'the end');
    expect(textOf(page)).toContain('不再收集');
    expect(page.data.qrText).toBe('');
    expect(phone.storage.get('jxm.code.v1')).toBeNull();
    closePage(page);
  } finally {
    delete process.env.JXM_EPIDEMIC_END;
  }
});
