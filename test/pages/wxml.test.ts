/** Every WXML file of the mini-program compiles with WeChat's own compiler (the bundled `wcc`). */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MINIPROGRAM, WCC_MAX_BUFFER } from './harness';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const compiler = require('miniprogram-compiler') as {
  wxmlToJs(root: string, options?: { maxBuffer?: number }): string;
};

it('should compile every WXML file of the mini-program', () => {
  expect(() => compiler.wxmlToJs(MINIPROGRAM, { maxBuffer: WCC_MAX_BUFFER })).not.toThrow();
});

it('should refuse a broken template (the check can fail)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jxm-wxml-'));
  writeFileSync(join(dir, 'broken.wxml'), '<view wx:if="{{open}}">\n  <text>{{ name </text>\n</view>\n');
  expect(() => compiler.wxmlToJs(dir)).toThrow(/broken\.wxml/);
});

/** The handler names a WXML file binds (`bind:tap="scanCode"`, `catchtap="x"`), with the line of each. */
function boundHandlers(wxml: string): Array<{ name: string; line: number }> {
  const found: Array<{ name: string; line: number }> = [];
  wxml.split('\n').forEach((text, i) => {
    for (const match of text.matchAll(
      /\b(?:bind|catch|capture-bind|capture-catch|mut-bind):?[a-z]+="([^"{}]+)"/g,
    )) {
      found.push({ name: match[1]!, line: i + 1 });
    }
  });
  return found;
}

/** The methods a page or component defines in its `methods: { … }` (and lifetimes it may bind to). */
function definedMethods(source: string): Set<string> {
  const names = new Set<string>();
  for (const match of source.matchAll(/^\s{4}(?:async\s+)?([A-Za-z_$][\w$]*)\s*\(/gm)) names.add(match[1]!);
  return names;
}

function pageFolders(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'miniprogram_npm' || entry.name === 'core') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...pageFolders(path));
    else if (entry.name.endsWith('.wxml')) out.push(path.replace(/\.wxml$/, ''));
  }
  return out;
}

it('should bind only methods that the page or component defines (a misspelt handler fails here)', () => {
  const missing: string[] = [];
  for (const base of pageFolders(MINIPROGRAM)) {
    const methods = definedMethods(readFileSync(`${base}.ts`, 'utf8'));
    for (const { name, line } of boundHandlers(readFileSync(`${base}.wxml`, 'utf8'))) {
      if (!methods.has(name))
        missing.push(`${base.slice(MINIPROGRAM.length + 1)}.wxml:${line} binds ${name}`);
    }
  }
  expect(missing).toEqual([]);
});

it('should notice a binding to a method that does not exist (the check can fail)', () => {
  const methods = definedMethods(
    'Component({\n  methods: {\n    scanCode() {},\n    async sync() {},\n  },\n});\n',
  );
  const bound = boundHandlers('<t-button bind:tap="scanCod" />\n<view bindtap="sync" />').map((b) => b.name);
  expect(bound.filter((name) => !methods.has(name))).toEqual(['scanCod']);
});
