#!/usr/bin/env node
// @ts-check
/**
 * npm run shots — photographs of the mini-program's pages, to see the product without WeChat DevTools:
 *  1. jest's 'shots' project (test/shots, JXM_SHOTS=1) renders each main page state through miniprogram-simulate,
 *     the real TDesign and the local cloud, and writes it as a self-contained HTML file to shots/html/<state>.html;
 *  2. headless Chromium photographs each one at a phone's width — 375 CSS px at device scale 2, so 750 px wide
 *     PNGs where 750 rpx is the screen width — as tall as the page (at least 900 CSS px), to shots/<state>.png;
 *  3. shots/index.html shows them side by side.
 * `npm run shots -- --no-render` skips step 1 and photographs the HTML already in shots/html.
 * shots/ is git-ignored. Needs Debian's chromium and fonts-noto-cjk (for the Chinese text).
 */
const { execFile, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const ROOT = path.resolve(__dirname, '..', '..');
const SHOTS = path.join(ROOT, 'shots');
const HTML = path.join(SHOTS, 'html');
const WIDTH = 375;
const MIN_HEIGHT = 900;
const SCALE = 2;

/** The first Chromium on the PATH (or $CHROMIUM), or null. */
function findChromium() {
  if (process.env.CHROMIUM) return process.env.CHROMIUM;
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const name of ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome']) {
    for (const dir of dirs) {
      const file = path.join(dir, name);
      try {
        fs.accessSync(file, fs.constants.X_OK);
        return file;
      } catch {
        // not here
      }
    }
  }
  return null;
}

/** Runs Chromium headless on one page with a fresh profile; resolves to its stdout. */
function chromium(/** @type {string} */ binary, /** @type {string[]} */ args, /** @type {string} */ page) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'jxm-shots-'));
  const flags = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    `--user-data-dir=${profile}`,
    '--hide-scrollbars',
    `--force-device-scale-factor=${SCALE}`,
    '--virtual-time-budget=2000',
    ...args,
    pathToFileURL(page).href,
  ];
  return new Promise((resolve, reject) => {
    execFile(binary, flags, { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => {
      fs.rmSync(profile, { recursive: true, force: true });
      if (error) reject(error);
      else resolve(stdout);
    });
  });
}

/** One page state: its height measured in a first run, then its photograph. */
async function shoot(/** @type {string} */ binary, /** @type {string} */ name) {
  const page = path.join(HTML, `${name}.html`);
  const png = path.join(SHOTS, `${name}.png`);
  const started = Date.now();
  const dom = await chromium(binary, [`--window-size=${WIDTH},${MIN_HEIGHT}`, '--dump-dom'], page);
  const measured = Number(/data-shot-height="(\d+)"/.exec(dom)?.[1] ?? 0);
  const height = Math.max(MIN_HEIGHT, measured);
  await chromium(binary, [`--window-size=${WIDTH},${height}`, `--screenshot=${png}`], page);
  if (!fs.existsSync(png)) throw new Error('Chromium wrote no screenshot');
  const size = pngSize(png);
  const kb = Math.round(fs.statSync(png).size / 1024);
  return `shots/${name}.png  ${size.width}×${size.height}  ${kb} KB  (${Date.now() - started} ms)`;
}

/** A PNG's pixel size, from its IHDR chunk. */
function pngSize(/** @type {string} */ file) {
  const head = Buffer.alloc(24);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, head, 0, 24, 0);
  } finally {
    fs.closeSync(fd);
  }
  return { width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
}

function gallery(/** @type {string[]} */ names) {
  const items = names
    .map(
      (name) =>
        `<figure><img src="${name}.png" width="${WIDTH}" alt="${name}"><figcaption>${name}</figcaption></figure>`,
    )
    .join('\n');
  return `<!doctype html>
<meta charset="utf-8">
<title>吉事办 · shots</title>
<style>
body { margin: 24px; background: #ddd; font: 14px sans-serif; display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
figure { margin: 0; } img { display: block; box-shadow: 0 2px 12px rgba(0, 0, 0, 0.25); } figcaption { margin-top: 8px; }
</style>
${items}
`;
}

/** Step 1: jest's 'shots' project writes shots/html/<state>.html. */
function render() {
  // every shots file writes into shots/html: start from an empty folder
  fs.rmSync(HTML, { recursive: true, force: true });
  fs.mkdirSync(HTML, { recursive: true });
  const jest = path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
  const rendered = spawnSync(process.execPath, [jest, '--selectProjects', 'shots'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, JXM_SHOTS: '1' },
  });
  if (rendered.status !== 0) {
    console.error(
      "npm run shots: rendering the pages failed (see above; is jest.config.js's 'shots' project there?)",
    );
    process.exit(rendered.status || 1);
  }
}

/** Steps 2 and 3: shots/<state>.png, a few Chromiums at a time, and shots/index.html. */
async function photograph(/** @type {string} */ binary) {
  if (!fs.existsSync(HTML)) {
    console.error('npm run shots: no shots/html to photograph (run without --no-render first)');
    process.exit(1);
  }
  for (const old of fs.readdirSync(SHOTS).filter((f) => f.endsWith('.png'))) fs.rmSync(path.join(SHOTS, old));
  const names = fs
    .readdirSync(HTML)
    .filter((f) => f.endsWith('.html'))
    .map((f) => f.slice(0, -'.html'.length))
    .sort();
  console.log(`\nPhotographing ${names.length} page states with ${binary}:`);
  /** @type {Map<string, string>} */
  const lines = new Map();
  /** @type {string[]} */
  const failed = [];
  const queue = [...names];
  const worker = async () => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      try {
        lines.set(name, await shoot(binary, name));
      } catch (error) {
        failed.push(name);
        lines.set(name, `${name}: no screenshot (${error instanceof Error ? error.message : String(error)})`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, os.availableParallelism()) }, worker));
  for (const name of names) console.log(`  ${lines.get(name)}`);
  fs.writeFileSync(path.join(SHOTS, 'index.html'), gallery(names.filter((n) => !failed.includes(n))));
  console.log('  shots/index.html shows them side by side');
  if (failed.length > 0) {
    console.error(`npm run shots: no screenshot for ${failed.join(', ')}`);
    process.exit(1);
  }
}

async function main() {
  const binary = findChromium();
  if (!binary) {
    console.error(
      'npm run shots needs Chromium (and fonts-noto-cjk for the Chinese text). On Debian/Ubuntu:',
    );
    console.error('  apt-get install -y chromium fonts-noto-cjk');
    process.exit(1);
  }
  const chinese = spawnSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' });
  if (!chinese.error && chinese.stdout.trim() === '') {
    console.warn(
      'npm run shots: no Chinese font, the text will show as boxes: apt-get install -y fonts-noto-cjk',
    );
  }
  if (!process.argv.includes('--no-render')) render();
  return photograph(binary);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
