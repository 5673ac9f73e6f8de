/**
 * sm-crypto seeds its random generator the moment it is loaded, from `window.crypto`, node:crypto found through
 * `module.require` (which a bundled module does not have), or `globalThis.crypto` — and throws when none is there.
 * WeChat Cloud's Node.js 16 has no global `crypto`: give it node:crypto's Web Crypto before sm-crypto loads.
 * (The functions never sign with that generator: privacy/pass.ts draws every nonce from node:crypto itself.)
 */
import { webcrypto } from 'node:crypto';

const global = globalThis as { crypto?: unknown };
if (!global.crypto) {
  Object.defineProperty(globalThis, 'crypto', { value: webcrypto, configurable: true, writable: true });
}
