/**
 * What keeps the main package small (npm run size: at most 300 KB shipped). Compiling it as upload does takes a
 * minute, too long for a unit test: these check the means instead, each fast — upload's minification settings,
 * TDesign's icon stylesheet cut down to the icons the app can draw (tools/tdesign.js), the subpackages' pages using
 * their own copy of TDesign, and the mini-program importing no crypto-js.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const tdesign = require('../../tools/tdesign') as {
  usedComponents(miniprogramRoot: string, dir?: string): string[];
  iconNamesOf(css: string): Set<string>;
  usedIconNames(miniprogramRoot: string, css: string): Set<string>;
  subsetIconCss(css: string, keep: Set<string>): string;
  componentFiles(tdesignDir: string, components: string[]): string[];
};

const ROOT = path.resolve(__dirname, '..', '..');
const MINIPROGRAM = path.join(ROOT, 'miniprogram');
const PACKED = path.join(MINIPROGRAM, 'miniprogram_npm', 'tdesign-miniprogram');
const ICON_CSS = fs.readFileSync(
  path.join(ROOT, 'node_modules', 'tdesign-miniprogram', 'miniprogram_dist', 'icon', 'icon.wxss'),
  'utf8',
);
const app = JSON.parse(fs.readFileSync(path.join(MINIPROGRAM, 'app.json'), 'utf8')) as {
  subpackages: Array<{ root: string }>;
};
const ROOTS = app.subpackages.map((sub) => sub.root.replace(/\/$/, ''));
const packed = fs.existsSync(PACKED);

/** Our own files under dir (not miniprogram_npm), relative to the mini-program's root. */
function ownFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'miniprogram_npm') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...ownFiles(full));
    else out.push(path.relative(MINIPROGRAM, full).split(path.sep).join('/'));
  }
  return out;
}

describe('project.config.json', () => {
  it('should have upload minify JS, WXML and WXSS and leave out the files no page uses', () => {
    const config = JSON.parse(fs.readFileSync(path.join(ROOT, 'project.config.json'), 'utf8'));
    expect(config.setting).toMatchObject({
      minified: true,
      minifyWXML: true,
      minifyWXSS: true,
      ignoreUploadUnusedFiles: true,
    });
  });
});

describe('the mini-program', () => {
  it('should import no crypto-js (77 KB shipped for one HMAC: core/sha256.ts does it)', () => {
    const importers = ownFiles(MINIPROGRAM).filter(
      (file) =>
        /\.(ts|js)$/.test(file) &&
        /from\s+['"]crypto-js|require\(\s*['"]crypto-js/.test(
          fs.readFileSync(path.join(MINIPROGRAM, file), 'utf8'),
        ),
    );
    expect(importers).toEqual([]);
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(Object.keys(manifest.dependencies)).not.toContain('crypto-js');
  });

  it('should name every TDesign component in the package of the page: a subpackage its own copy', () => {
    const wrong: string[] = [];
    for (const file of ownFiles(MINIPROGRAM).filter((f) => f.endsWith('.json'))) {
      const root = ROOTS.find((r) => file.startsWith(`${r}/`));
      const own = root
        ? `/${root}/miniprogram_npm/tdesign-miniprogram/`
        : '/miniprogram_npm/tdesign-miniprogram/';
      const using = JSON.parse(fs.readFileSync(path.join(MINIPROGRAM, file), 'utf8')).usingComponents || {};
      for (const ref of Object.values(using) as string[]) {
        if (ref.includes('tdesign-miniprogram') && !ref.startsWith(own)) wrong.push(`${file}: ${ref}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('should use in the main package none of the TDesign components only the subpackages use', () => {
    const main = ['pages', 'components'].flatMap((dir) =>
      tdesign.usedComponents(MINIPROGRAM, path.join(MINIPROGRAM, dir)),
    );
    expect(main).toContain('button/button');
    for (const onlySubpackages of [
      'tabs/tabs',
      'tag/tag',
      'popup/popup',
      'progress/progress',
      'result/result',
    ]) {
      expect(main).not.toContain(onlySubpackages);
    }
    const admin = tdesign.usedComponents(MINIPROGRAM, path.join(MINIPROGRAM, 'admin'));
    // followed through the components' own usingComponents
    expect(admin).toEqual(
      expect.arrayContaining(['tabs/tabs', 'tab-panel/tab-panel', 'sticky/sticky', 'icon/icon']),
    );
  });
});

describe('TDesign icons', () => {
  it('should keep every rule but the glyphs not drawn, byte for byte', () => {
    const all = tdesign.iconNamesOf(ICON_CSS);
    expect(all.size).toBeGreaterThan(2000);
    const keep = new Set(['chevron-right', 'close-circle-filled']);
    const trimmed = tdesign.subsetIconCss(ICON_CSS, keep);
    expect(tdesign.iconNamesOf(trimmed)).toEqual(keep);
    for (const rule of ICON_CSS.split('\n')) {
      const glyph = /^\.t-icon-([a-z0-9-]+):before\{/.exec(rule);
      if (!glyph) expect(trimmed).toContain(rule);
      else if (keep.has(glyph[1])) expect(trimmed).toContain(rule);
      else expect(trimmed).not.toContain(rule);
    }
    expect(trimmed).toContain('@font-face{font-family:t;');
    expect(trimmed.length).toBeLessThan(1500);
  });

  (packed ? it : it.skip)(
    'should keep the icons TDesign draws by itself for the components the app uses',
    () => {
      const used = tdesign.usedIconNames(MINIPROGRAM, ICON_CSS);
      expect([...used]).toEqual(
        expect.arrayContaining([
          'chevron-right', // t-cell's arrow
          'close-circle-filled', // t-input's clear button
          'check', // t-checkbox and t-radio, icon "line"
          'check-circle-filled', // t-radio, icon "circle"; t-progress, success
          'check-rectangle-filled', // t-checkbox, icon "rectangle": 'check-' + icon + '-filled'
          'minus-circle-filled', // t-checkbox, indeterminate
          'close', // t-popup's close button, t-tag's
          'check-circle', // t-result's THEME_ICON
          'error-circle',
          'close-circle',
          'error-circle-filled', // t-progress's status icons
          'error',
        ]),
      );
      expect(used.has('logo-github')).toBe(false);
      expect(used.size).toBeLessThan(tdesign.iconNamesOf(ICON_CSS).size / 10);
    },
  );

  it('should keep an icon named in the pages’ own sources', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jxm-icons-'));
    fs.mkdirSync(path.join(dir, 'pages', 'a'), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'pages', 'a', 'a.wxml'),
      '<t-icon name="user-add" /><t-button icon="{{x}}"/>',
    );
    fs.writeFileSync(path.join(dir, 'pages', 'a', 'a.ts'), "const ICONS = { open: 'chevron-down' };");

    expect([...tdesign.usedIconNames(dir, ICON_CSS)].sort()).toEqual(['chevron-down', 'user-add']);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  (packed ? it : it.skip)('should have been built from the sources as they are (else: npm run build)', () => {
    const css = fs.readFileSync(path.join(PACKED, 'icon', 'icon.wxss'), 'utf8');
    const missing = [...tdesign.usedIconNames(MINIPROGRAM, ICON_CSS)].filter(
      (name) => !tdesign.iconNamesOf(css).has(name),
    );
    expect(missing).toEqual([]);
  });
});

describe('the subpackages’ copies of TDesign', () => {
  (packed ? it : it.skip)('should hold what their components load, as packed (else: npm run build)', () => {
    for (const root of ROOTS) {
      const components = tdesign.usedComponents(MINIPROGRAM, path.join(MINIPROGRAM, root));
      if (components.length === 0) continue;
      const files = tdesign.componentFiles(PACKED, components);
      expect(files).toEqual(
        expect.arrayContaining([
          'common/utils.wxs',
          'common/style/index.wxss',
          'common/template/icon.wxml',
          'miniprogram_npm/tslib/index.js',
          'icon/icon.wxss',
        ]),
      );
      expect(files.filter((file) => file.startsWith('calendar/'))).toEqual([]);
      const copy = path.join(MINIPROGRAM, root, 'miniprogram_npm', 'tdesign-miniprogram');
      for (const file of files) {
        expect([file, fs.readFileSync(path.join(copy, file), 'utf8')]).toEqual([
          file,
          fs.readFileSync(path.join(PACKED, file), 'utf8'),
        ]);
      }
    }
  });
});
