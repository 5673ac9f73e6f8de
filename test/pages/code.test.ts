/**
 * 我的吉祥码 (pages/code): the live code a citizen shows at the gate.
 */
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { personOf } from '../helpers/identities';
import { closePage, openPage, resetPhone, startCloud, stopCloud, textOf, until } from './harness';

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
