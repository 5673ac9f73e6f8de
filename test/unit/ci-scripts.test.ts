// The CI scripts of tools/ci (npm run size, mp:preview, mp:upload, cloud:deploy), run as a user runs them: as
// child processes, judged by their exit code and what they print. No test reaches the network: every child runs
// with a preload that ends it (exit 99) on any socket or DNS lookup, and no test sets a complete, valid environment.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const MAIN_BUDGET = 1.5 * 1024 * 1024;
const NETWORK_GUARD = `
const refuse = () => {
  process.stderr.write('ci-scripts.test: network access attempted\\n');
  process.exit(99);
};
require('node:net').Socket.prototype.connect = refuse;
require('node:dns').lookup = refuse;
require('node:dns').promises.lookup = refuse;
`;

let tmp: string;
let guard: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jxm-ci-scripts-'));
  guard = path.join(tmp, 'no-network.js');
  fs.writeFileSync(guard, NETWORK_GUARD);
});

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Runs tools/ci/<script> with no JXM_* variable but those given. */
function run(script: string, args: string[], env: Record<string, string> = {}, timeout = 60_000) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('JXM_')));
  const result = spawnSync(process.execPath, ['-r', guard, path.join(ROOT, 'tools', 'ci', script), ...args], {
    cwd: ROOT,
    env: { ...clean, ...env },
    encoding: 'utf8',
    timeout,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A small mini-program project in a temporary folder: project.config.json plus the given files. */
function fixture(name: string, files: Record<string, string>) {
  const dir = path.join(tmp, name);
  const all: Record<string, string> = {
    'project.config.json': JSON.stringify({
      compileType: 'miniprogram',
      miniprogramRoot: 'miniprogram/',
      setting: { useCompilerPlugins: ['typescript'] },
      packOptions: {
        ignore: [
          { type: 'file', value: 'tsconfig.json' },
          { type: 'suffix', value: '.md' },
        ],
        include: [],
      },
    }),
    'miniprogram/app.json': JSON.stringify({ pages: ['pages/index/index'] }),
    'miniprogram/tsconfig.json': '{}',
    'miniprogram/README.md': '# notes',
    'miniprogram/app.ts': 'App({});',
    'miniprogram/pages/index/index.ts': 'Component({});',
    'miniprogram/pages/index/index.wxml': '<view>吉事办</view>',
    'miniprogram/pages/index/index.json': '{ "component": true }',
    ...files,
  };
  for (const [file, content] of Object.entries(all)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

function builtFunctions() {
  const root = path.join(ROOT, 'cloudfunctions');
  return fs
    .readdirSync(root)
    .filter((name) => !name.startsWith('_'))
    .filter((name) =>
      ['index.js', 'package.json'].every((file) => fs.existsSync(path.join(root, name, file))),
    );
}

const STACK_TRACE = /^\s+at .+\(?.+:\d+:\d+\)?$/m;

describe('npm run cloud:deploy -- --dry-run', () => {
  it('should list every built function with the files it uploads, and not _server nor src/, with no settings', () => {
    const { status, stdout } = run('cloud-deploy.js', ['--dry-run']);

    expect(status).toBe(0);
    const functions = builtFunctions();
    expect(functions.length).toBeGreaterThan(0);
    for (const name of functions) {
      expect(stdout).toContain(`function ${name}:`);
      expect(stdout).toContain(`cloudfunctions/${name}/index.js`);
      expect(stdout).toContain(`cloudfunctions/${name}/package.json`);
    }
    expect(stdout).not.toContain('_server');
    expect(stdout).not.toContain('src/index.ts');
    expect(stdout).toContain('nothing is uploaded');
    expect(stdout).toContain('JXM_CLOUD_ENV is not set');
  });

  it('should list the timeout and the timer triggers of each config.json', () => {
    const { status, stdout } = run('cloud-deploy.js', ['--dry-run']);

    expect(status).toBe(0);
    for (const name of builtFunctions()) {
      const config = JSON.parse(
        fs.readFileSync(path.join(ROOT, 'cloudfunctions', name, 'config.json'), 'utf8'),
      );
      // WeChat's default of 3 s would cut the risk list's 1,000 rows (10 s at 10 ms per round trip) short
      expect(config.timeout).toBeGreaterThanOrEqual(name === 'health' || name === 'cron' ? 30 : 5);
      expect(config.timeout).toBeLessThanOrEqual(300);
      expect(stdout).toContain(`timeout (config.json): ${config.timeout} s`);
      for (const trigger of config.triggers || [])
        expect(stdout).toContain(`timer trigger ${trigger.name}: ${trigger.config}`);
    }
  });
});

describe('a missing setting', () => {
  it('should make cloud:deploy name every missing variable and exit 1, with no stack trace', () => {
    const { status, stdout, stderr } = run('cloud-deploy.js', []);

    expect(status).toBe(1);
    expect(stderr).toContain('JXM_APPID is not set');
    expect(stderr).toContain('JXM_UPLOAD_KEY_PATH is not set');
    expect(stderr).toContain('JXM_CLOUD_ENV is not set');
    expect(stderr).not.toMatch(STACK_TRACE);
    expect(stdout).not.toContain('Uploading');
  });

  it('should make mp:upload name only the variables still missing', () => {
    const { status, stderr } = run('mp.js', ['upload'], { JXM_APPID: 'wx0123456789abcdef' });

    expect(status).toBe(1);
    expect(stderr).toContain('JXM_UPLOAD_KEY_PATH is not set');
    expect(stderr).toContain('JXM_VERSION is not set');
    expect(stderr).not.toContain('JXM_APPID');
    expect(stderr).not.toMatch(STACK_TRACE);
  });

  it('should make mp:preview refuse a key path that does not exist, and an AppID that is not one', () => {
    const { status, stderr } = run('mp.js', ['preview'], {
      JXM_APPID: 'touristappid',
      JXM_UPLOAD_KEY_PATH: path.join(tmp, 'private.missing.key'),
    });

    expect(status).toBe(1);
    expect(stderr).toContain('JXM_UPLOAD_KEY_PATH is');
    expect(stderr).toContain('does not exist');
    expect(stderr).toContain('JXM_APPID is "touristappid", not an AppID');
    expect(stderr).not.toMatch(STACK_TRACE);
  });
});

describe('npm run mp:upload -- --dry-run', () => {
  it('should list the files that would be uploaded, packOptions.ignore applied, and exit 0 without a key', () => {
    const project = fixture('mp-ok', {});

    const { status, stdout } = run('mp.js', ['upload', '--dry-run', '--project', project]);

    expect(status).toBe(0);
    expect(stdout).toMatch(/^app\.ts\s/m);
    expect(stdout).toMatch(/^pages\/index\/index\.wxml\s/m);
    expect(stdout).toMatch(/^pages\/index\/index\.ts\s/m);
    expect(stdout).not.toContain('tsconfig.json');
    expect(stdout).not.toContain('README.md');
    expect(stdout).toContain('Project checks passed');
    expect(stdout).toContain('JXM_VERSION is not set');
  });

  it('should name a page app.json declares but the project lacks, and exit 1', () => {
    const project = fixture('mp-missing-page', {
      'miniprogram/app.json': JSON.stringify({ pages: ['pages/index/index', 'pages/gone/gone'] }),
    });

    const { status, stdout } = run('mp.js', ['upload', '--dry-run', '--project', project]);

    expect(status).toBe(1);
    expect(stdout).toContain('page pages/gone/gone (main) has no pages/gone/gone.wxml and no');
  });
});

describe('npm run size', () => {
  // the repository's upper bound only: compiling it as upload does takes a minute or more (npm run size does, and
  // exits 1 when the main package ships more than 300 KB); the compile is tried on a small project below
  it('should print the main package of the repository and write a numeric size under the budget', () => {
    const { status, stdout } = run('size.js', ['--no-compile']);

    expect(stdout).toMatch(/^main\s+\/\s+.*\d.* MB/m);
    expect(status).toBe(0);
    const report = JSON.parse(fs.readFileSync(path.join(ROOT, 'bench', 'results', 'size.json'), 'utf8'));
    expect(typeof report.mainBytes).toBe('number');
    expect(report.mainBytes).toBeGreaterThan(0);
    expect(report.mainBytes).toBeLessThanOrEqual(MAIN_BUDGET);
    const app = JSON.parse(fs.readFileSync(path.join(ROOT, 'miniprogram', 'app.json'), 'utf8'));
    const subpackages = (app.subpackages || app.subPackages || []).map(
      (sub: { root: string; name?: string }) => sub.name || sub.root.replace(/\/$/, ''),
    );
    expect(report.packages.map((pkg: { name: string }) => pkg.name)).toEqual(['main', ...subpackages]);
    expect(report.shippedMainBytes).toBeNull();
  });

  it('should report a project without subpackages as its main package alone', () => {
    const project = fixture('size-main-only', {});

    const { status } = run('size.js', ['--project', project, '--no-compile']);

    expect(status).toBe(0);
    const report = JSON.parse(fs.readFileSync(path.join(project, 'bench', 'results', 'size.json'), 'utf8'));
    expect(report.packages.map((pkg: { name: string }) => pkg.name)).toEqual(['main']);
    expect(report.method).toContain('analyseCode');
  });

  it('should exit 1 when a subpackage is over 2 MB, and name it', () => {
    const project = fixture('size-big-subpackage', {
      'miniprogram/app.json': JSON.stringify({
        pages: ['pages/index/index'],
        subpackages: [{ root: 'big/', name: 'big', pages: ['map/map'] }],
      }),
      'miniprogram/big/map/map.wxml': '<view/>',
      'miniprogram/big/map/map.js': `module.exports = "${'x'.repeat(2.1 * 1024 * 1024)}";`,
    });

    const { status, stderr } = run('size.js', ['--project', project, '--no-compile']);

    expect(status).toBe(1);
    expect(stderr).toMatch(/big is 2\.\d\d MB, over its 2\.00 MB budget/);
    const report = JSON.parse(fs.readFileSync(path.join(project, 'bench', 'results', 'size.json'), 'utf8'));
    expect(report.packages.find((pkg: { name: string }) => pkg.name === 'big').withinBudget).toBe(false);
  });

  it('should compile as upload does, offline, and exit 1 when the main package ships over 300 KB', () => {
    // 320 KB of base64 in a string: nothing a minifier can shorten, and the page requires it, so it ships
    const project = fixture('size-ships-too-much', {
      'project.config.json': JSON.stringify({
        compileType: 'miniprogram',
        miniprogramRoot: 'miniprogram/',
        setting: { useCompilerPlugins: ['typescript'], minified: true, ignoreUploadUnusedFiles: true },
        packOptions: { ignore: [], include: [] },
      }),
      'miniprogram/pages/index/index.ts':
        "const big = require('./big');\nComponent({ data: { n: big.length } });",
      'miniprogram/pages/index/big.js': `module.exports = "${Buffer.alloc(240 * 1024, 7).toString('base64')}";`,
      'miniprogram/pages/index/unused.js': `module.exports = "${'y'.repeat(100 * 1024)}";`,
    });

    const { status, stdout, stderr } = run('size.js', ['--project', project], {}, 150_000);

    expect(stdout).toMatch(/^main\s+\/\s+\d+\s+3\d\d\.\d KB\s+300\.0 KB\s+OVER BUDGET$/m);
    expect(stderr).toMatch(/main ships 3\d\d\.\d KB, over its 300\.0 KB budget/);
    expect(status).toBe(1);
    const report = JSON.parse(fs.readFileSync(path.join(project, 'bench', 'results', 'size.json'), 'utf8'));
    expect(report.shippedMethod).toContain('getCompiledResult');
    // the compile leaves out the file nothing requires (setting.ignoreUploadUnusedFiles); the upper bound counts it
    expect(report.shippedMainBytes).toBeGreaterThan(320 * 1024);
    expect(report.shippedMainBytes).toBeLessThan(330 * 1024);
    expect(report.mainBytes).toBeGreaterThan(report.shippedMainBytes + 90 * 1024);
    expect(report.packages[0]).toMatchObject({ withinBudget: true, shippedWithinBudget: false });
  }, 180_000);
});
