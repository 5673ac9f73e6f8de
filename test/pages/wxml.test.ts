/** Every WXML file of the mini-program compiles with WeChat's own compiler (the bundled `wcc`). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MINIPROGRAM } from './harness';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const compiler = require('miniprogram-compiler') as { wxmlToJs(root: string): string };

it('should compile every WXML file of the mini-program', () => {
  expect(() => compiler.wxmlToJs(MINIPROGRAM)).not.toThrow();
});

it('should refuse a broken template (the check can fail)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jxm-wxml-'));
  writeFileSync(join(dir, 'broken.wxml'), '<view wx:if="{{open}}">\n  <text>{{ name </text>\n</view>\n');
  expect(() => compiler.wxmlToJs(dir)).toThrow(/broken\.wxml/);
});
