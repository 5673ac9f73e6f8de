// @ts-check
/**
 * What npm run build does to the packed TDesign (miniprogram/miniprogram_npm/tdesign-miniprogram) so that the main
 * package ships only what its own pages need.
 *
 * 1. Icons (trimIcons). t-icon, which t-button, t-cell, t-input, t-empty, t-switch, t-checkbox… all use, styles its
 *    glyphs in one stylesheet, icon/icon.wxss: the @font-face of the icon font (the font itself is loaded at run
 *    time from tdesign.gtimg.com) and one `.t-icon-<name>:before{content:'\E0xx';}` rule for each of its 2,352
 *    icons — 110 KB, whichever icons the pages draw. Only the rules of the icons the app can draw are kept; every
 *    other rule stays as it is, so an icon kept looks exactly as before. Which icons the app can draw
 *    (usedIconNames), generously, since a dropped icon would silently draw nothing:
 *     - every icon name written in the mini-program's own sources (.wxml, .ts, .js, .json outside
 *       miniprogram_npm), quoted or as an attribute value: `<t-button icon="add">`, `{ icon: 'chevron-down' }`;
 *     - the names the TDesign components the app uses can draw by themselves: their defaults (t-cell's arrow,
 *       "chevron-right"), their tables (t-result's THEME_ICON, t-progress's status icons) and the names they build
 *       ('check-' + icon + '-filled' in t-checkbox). An icon is kept when each of its dash-separated words is a
 *       quoted word, or part of one, in those components' .js, .wxml and .wxs files or in TDesign's common/
 *       folder: more than they draw, never less.
 *    A page that draws an icon whose name it computes at run time from words written nowhere in its sources would
 *    draw nothing: write the names it may draw out in the page's sources.
 *
 * 2. Subpackages (copyToSubpackage). The packed TDesign sits in the main package, so a component only a subpackage
 *    uses was downloaded with the main package (checkCodeQuality's CONTAINS_OTHER_PKG_COMPONENTS: t-tabs, t-tag,
 *    t-progress, t-popup… 88 KB shipped). Each subpackage whose pages use TDesign gets its own copy,
 *    <root>/miniprogram_npm/tdesign-miniprogram, of just what they use: the components (followed through their
 *    usingComponents) and the scripts, wxs, templates and styles those load. Its pages and components name every
 *    TDesign component there (/admin/miniprogram_npm/tdesign-miniprogram/tabs/tabs), so that a page's components
 *    all come from one copy (t-cell-group finds its t-cells, t-radio-group its t-radios); the main package's keep
 *    /miniprogram_npm/tdesign-miniprogram/…, and setting.ignoreUploadUnusedFiles leaves out of the main package
 *    what only the subpackages use. A subpackage downloads its own copy of the components it shares with the main
 *    package (t-button, t-cell, t-input…): a few dozen KB more for the subpackage, none for the main package.
 */
const fs = require('node:fs');
const path = require('node:path');

const TDESIGN = 'tdesign-miniprogram';
/** A component path of a usingComponents entry that names a TDesign component, packed anywhere or npm-style. */
const TDESIGN_REF = /^(?:.*\/)?miniprogram_npm\/tdesign-miniprogram\/(.+)$|^tdesign-miniprogram\/(.+)$/;
/** An icon's rule in icon.wxss, `.t-icon-<name>:before{content:'\E0xx';}`, and the line break after it. */
const GLYPH_RULE = /\.t-icon-([a-z0-9-]+):before\{content:(["'])[^"'{}]*\2;?\}\s*/g;
const QUOTED = /(["'`])([a-z0-9-]*)\1/g;
const ATTRIBUTE = /=\s*"([a-z0-9-]+)"/g;

/** Every file under dir, with or without the folders named miniprogram_npm. */
function walk(/** @type {string} */ dir, /** @type {boolean} */ intoNpm) {
  /** @type {string[]} */
  const out = [];
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!intoNpm && entry.name === 'miniprogram_npm') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(full, intoNpm));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/** The usingComponents values of a component's or page's .json (none if it has no readable one). */
function usingOf(/** @type {string} */ jsonFile) {
  try {
    const using = JSON.parse(fs.readFileSync(jsonFile, 'utf8')).usingComponents || {};
    return Object.values(using).filter((ref) => typeof ref === 'string');
  } catch {
    return [];
  }
}

/** The packed TDesign of the main package. */
function tdesignDir(/** @type {string} */ miniprogramRoot) {
  return path.join(path.resolve(miniprogramRoot), 'miniprogram_npm', TDESIGN);
}

/**
 * The TDesign components the pages and components under `dir` use (the whole mini-program by default), followed
 * through the components' own usingComponents in the packed TDesign: paths inside TDesign, without extension
 * ('tabs/tabs', 'icon/icon'), sorted.
 * @param {string} miniprogramRoot
 * @param {string} [dir]
 */
function usedComponents(miniprogramRoot, dir = miniprogramRoot) {
  const tdesign = tdesignDir(miniprogramRoot);
  /** @type {string[]} */
  const queue = [];
  for (const file of walk(dir, false).filter((f) => f.endsWith('.json'))) {
    for (const ref of usingOf(file)) {
      const match = TDESIGN_REF.exec(ref);
      if (match) queue.push(path.posix.normalize(match[1] || match[2]));
    }
  }
  const seen = new Set();
  while (queue.length > 0) {
    const component = /** @type {string} */ (queue.pop());
    if (seen.has(component) || component.startsWith('..')) continue;
    seen.add(component);
    for (const ref of usingOf(path.join(tdesign, `${component}.json`))) {
      const match = TDESIGN_REF.exec(ref);
      queue.push(
        match
          ? path.posix.normalize(match[1] || match[2])
          : path.posix.join(path.posix.dirname(component), ref),
      );
    }
  }
  return [...seen].sort();
}

/** The icon names icon.wxss styles. */
function iconNamesOf(/** @type {string} */ css) {
  return new Set([...css.matchAll(GLYPH_RULE)].map((match) => match[1]));
}

/** The words written in quotes or as attribute values in a source file. */
function wordsOf(/** @type {string} */ text) {
  return [...[...text.matchAll(QUOTED)].map((m) => m[2]), ...[...text.matchAll(ATTRIBUTE)].map((m) => m[1])];
}

/**
 * The icons the app can draw, among those `css` (icon.wxss) styles.
 * @param {string} miniprogramRoot
 * @param {string} css
 */
function usedIconNames(miniprogramRoot, css) {
  const all = iconNamesOf(css);
  const used = new Set();
  for (const file of walk(miniprogramRoot, false).filter((f) => /\.(wxml|ts|js|json)$/.test(f))) {
    for (const word of wordsOf(fs.readFileSync(file, 'utf8'))) if (all.has(word)) used.add(word);
  }
  const tdesign = tdesignDir(miniprogramRoot);
  const folders = new Set([
    ...usedComponents(miniprogramRoot).map((component) => path.join(tdesign, path.dirname(component))),
    path.join(tdesign, 'common'),
  ]);
  const parts = new Set();
  for (const folder of folders) {
    for (const file of walk(folder, false).filter((f) => /\.(js|wxml|wxs)$/.test(f))) {
      for (const word of wordsOf(fs.readFileSync(file, 'utf8'))) {
        for (const part of word.split('-')) if (part) parts.add(part);
      }
    }
  }
  for (const name of all) if (name.split('-').every((part) => parts.has(part))) used.add(name);
  return used;
}

/** icon.wxss with the glyph rules of `keep` only. */
function subsetIconCss(/** @type {string} */ css, /** @type {Set<string>} */ keep) {
  return css.replace(GLYPH_RULE, (rule, name) => (keep.has(name) ? rule : ''));
}

/**
 * Rewrites the packed icon/icon.wxss with the rules of the icons the app can draw, from TDesign's own copy in
 * node_modules (so that building again never loses an icon). Returns the sizes, or null without TDesign.
 * @param {string} miniprogramRoot
 * @param {string} nodeModules
 */
function trimIcons(miniprogramRoot, nodeModules) {
  const packed = path.join(tdesignDir(miniprogramRoot), 'icon', 'icon.wxss');
  const source = path.join(nodeModules, TDESIGN, 'miniprogram_dist', 'icon', 'icon.wxss');
  if (!fs.existsSync(packed) || !fs.existsSync(source)) return null;
  const css = fs.readFileSync(source, 'utf8');
  const keep = usedIconNames(miniprogramRoot, css);
  const trimmed = subsetIconCss(css, keep);
  fs.writeFileSync(packed, trimmed);
  return {
    kept: keep.size,
    of: iconNamesOf(css).size,
    bytesBefore: Buffer.byteLength(css),
    bytesAfter: Buffer.byteLength(trimmed),
  };
}

/** What a file of the packed TDesign loads: other files, as written (relative, or a package name for scripts). */
function referencesOf(/** @type {string} */ file, /** @type {string} */ text) {
  const all = (/** @type {RegExp} */ pattern) => [...text.matchAll(pattern)].map((m) => m[1] || m[2] || m[3]);
  switch (path.extname(file)) {
    case '.js':
      return all(
        /\bfrom\s*["']([^"']+)["']|\bimport\s*["']([^"']+)["']|\brequire\(\s*["']([^"']+)["']\s*\)/g,
      );
    case '.wxs':
      return all(/\brequire\(\s*["']([^"']+)["']\s*\)/g);
    case '.wxml':
      return all(/<(?:wxs|import|include)\b[^>]*?\bsrc\s*=\s*["']([^"'{}]+)["']/g);
    case '.wxss':
      return all(/@import\s+["']([^"']+)["']/g);
    case '.json':
      return usingOf(file).flatMap((ref) => ['.js', '.json', '.wxml', '.wxss'].map((ext) => ref + ext));
    default:
      return [];
  }
}

/**
 * The file a reference of `from` names, inside `root` (the packed TDesign), or null: a relative path as written or
 * with the referring file's extension (or .wxml, or /index.js), a package name in the nearest miniprogram_npm.
 */
function resolveReference(/** @type {string} */ root, /** @type {string} */ from, /** @type {string} */ ref) {
  const dir = path.dirname(from);
  /** @type {string[]} */
  let bases;
  if (ref.startsWith('.')) {
    bases = [path.resolve(dir, ref)];
  } else if (ref.startsWith('/')) {
    return null;
  } else {
    bases = [];
    for (let up = dir; up.startsWith(root); up = path.dirname(up)) {
      bases.push(path.join(up, 'miniprogram_npm', ref));
    }
  }
  const ext = path.extname(from);
  for (const base of bases) {
    for (const candidate of [base, base + ext, `${base}.wxml`, path.join(base, 'index.js')]) {
      if (
        candidate.startsWith(root + path.sep) &&
        fs.existsSync(candidate) &&
        fs.statSync(candidate).isFile()
      ) {
        return candidate;
      }
    }
  }
  return null;
}

/**
 * The files of the packed TDesign that the given components need: their own four files and everything those load,
 * paths relative to the packed TDesign, sorted.
 * @param {string} tdesign the packed TDesign
 * @param {string[]} components paths inside it, without extension
 */
function componentFiles(tdesign, components) {
  /** @type {string[]} */
  const queue = components.flatMap((component) =>
    ['.js', '.json', '.wxml', '.wxss'].map((ext) => path.join(tdesign, component + ext)),
  );
  const seen = new Set();
  while (queue.length > 0) {
    const file = /** @type {string} */ (queue.pop());
    if (seen.has(file) || !fs.existsSync(file)) continue;
    seen.add(file);
    for (const ref of referencesOf(file, fs.readFileSync(file, 'utf8'))) {
      const target = resolveReference(tdesign, file, ref);
      if (target) queue.push(target);
    }
  }
  return [...seen].map((file) => path.relative(tdesign, file).split(path.sep).join('/')).sort();
}

/**
 * Copies into <root>/miniprogram_npm/tdesign-miniprogram what the subpackage's pages and components use of the
 * packed TDesign (after trimIcons: the copy has the same icons). Returns the files and bytes copied, or null when
 * the subpackage uses no TDesign.
 * @param {string} miniprogramRoot
 * @param {string} root the subpackage's root, e.g. 'admin'
 */
function copyToSubpackage(miniprogramRoot, root) {
  const tdesign = tdesignDir(miniprogramRoot);
  const components = usedComponents(miniprogramRoot, path.join(path.resolve(miniprogramRoot), root));
  if (components.length === 0 || !fs.existsSync(tdesign)) return null;
  const out = path.join(path.resolve(miniprogramRoot), root, 'miniprogram_npm', TDESIGN);
  fs.rmSync(out, { recursive: true, force: true });
  let bytes = 0;
  const files = componentFiles(tdesign, components);
  for (const file of files) {
    const target = path.join(out, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(path.join(tdesign, file), target);
    bytes += fs.statSync(target).size;
  }
  return { components: components.length, files: files.length, bytes };
}

module.exports = {
  TDESIGN_REF,
  usedComponents,
  iconNamesOf,
  usedIconNames,
  subsetIconCss,
  trimIcons,
  componentFiles,
  copyToSubpackage,
};
