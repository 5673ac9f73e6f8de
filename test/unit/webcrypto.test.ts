/**
 * sm-crypto throws at load without a global `crypto` (WeChat Cloud's Node.js 16 has none):
 * cloudfunctions/_server/privacy/webcrypto.ts lends it node:crypto's Web Crypto first, and leaves one that is there.
 */
import { webcrypto } from 'node:crypto';

const global = globalThis as { crypto?: unknown };
const own = Object.getOwnPropertyDescriptor(globalThis, 'crypto');

afterEach(() => {
  delete global.crypto;
  if (own) Object.defineProperty(globalThis, 'crypto', own);
});

// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded afresh, after the global is set up
const load = () => jest.isolateModules(() => require('../../cloudfunctions/_server/privacy/webcrypto'));

it('gives a Node without a global crypto the Web Crypto of node:crypto', () => {
  delete global.crypto;
  expect(global.crypto).toBeUndefined();
  load();
  expect(global.crypto).toBe(webcrypto);
  // replaceable and removable again, as the built-in one is
  expect(Object.getOwnPropertyDescriptor(globalThis, 'crypto')).toMatchObject({
    configurable: true,
    writable: true,
  });
});

it('leaves a global crypto that is there alone', () => {
  const mine = { getRandomValues: (a: Uint8Array) => a };
  Object.defineProperty(globalThis, 'crypto', { value: mine, configurable: true, writable: true });
  load();
  expect(global.crypto).toBe(mine);
});
