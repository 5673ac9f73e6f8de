#!/usr/bin/env node
// @ts-check
/**
 * npm run size — the size of the main package and of each subpackage, offline, two ways:
 *
 *  - shipped: what an upload ships. miniprogram-ci's production compile (getCompiledResult: the compiler and the
 *    settings of mp:upload — project.config.json's setting, minification, setting.ignoreUploadUnusedFiles leaving
 *    out what no page uses — without the upload), its output files' bytes summed per package. About a minute
 *    on two busy cores; --no-compile skips it.
 *  - upper bound: miniprogram-ci's code analysis (ci.analyseCode: every file the packer takes, assigned to the main
 *    package or a subpackage; checkCodeQuality's PACKAGE_SIZE_LIMIT adds up the same list). That analysis leaves
 *    out the sources of the compiler plugins in setting.useCompilerPlugins (our .ts files, compiled to .js at
 *    upload), so they are added here, and packOptions.ignore is applied. It counts files nothing uses (most of
 *    tdesign-miniprogram): an upper bound. If the analysis fails, the files that would be packed are summed
 *    instead; the output says which.
 *
 * Budgets, 1 MB = 1024 × 1024 bytes as in checkCodeQuality: shipped, the main package 300 KB and each subpackage
 * 2 MB (WeChat's limit); upper bound, the main package 1.5 MB (WeChat's hard limit is 2 MB) and each subpackage
 * 2 MB. Exits 1 over a budget, or when the compile fails (the shipped budget is then unchecked). Writes the figures
 * to bench/results/size.json.
 * Options: --project <dir> (default: the repository), --no-compile (the upper bound only).
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { REPO_ROOT, UsageError, parseArgs, run } = require('./env');
const {
  loadProject,
  isPluginSource,
  missingComponents,
  packedFiles,
  packedNpm,
  packagesOf,
  packageOfFile,
  formatBytes,
  table,
} = require('./project');

const KB = 1024;
const MB = 1024 * KB;
const MAIN_BUDGET = 1.5 * MB;
const SUBPACKAGE_LIMIT = 2 * MB;
/** The main package as shipped: the first screen's download. */
const SHIPPED_MAIN_BUDGET = 300 * KB;

/**
 * The packed npm must be there: it is most of the main package, and the subpackages' pages use their copies of
 * TDesign. Packs it when this is the repository.
 */
function ensurePackedNpm(/** @type {import('./project').Project} */ project) {
  const missing = packedNpm(project).filter((npm) => npm.missing.length > 0);
  const components = missingComponents(project);
  if (missing.length === 0 && components.length === 0) return;
  const where = [
    ...missing.map((npm) => `${path.relative(project.dir, npm.dir)} (${npm.missing.join(', ')})`),
    ...components.slice(0, 3).map((problem) => problem.replace(/: run npm run build.*$/, '')),
  ].join('; ');
  if (project.dir !== REPO_ROOT)
    throw new UsageError(`The packed npm is missing: ${where}. Pack it first (npm run build).`);
  console.log(`The packed npm is missing: ${where}. Packing it: node tools/build.js --no-typecheck`);
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'tools', 'build.js'), '--no-typecheck', '--quiet'], {
    stdio: 'inherit',
  });
}

/**
 * Bytes per package root from ci.analyseCode, packOptions.ignore applied.
 * @param {import('./project').Project} project
 * @param {Set<string>} packed the paths packedFiles() keeps
 */
async function analysedSizes(project, packed) {
  const ci = require('miniprogram-ci');
  // analyseCode needs a Project, and a Project needs a key, but the analysis never reads it: pass a placeholder
  const ciProject = new ci.Project({
    appid: project.config.appid || 'touristappid',
    type: 'miniProgram',
    projectPath: project.dir,
    privateKey: 'not-used-offline',
  });
  const result = await ci.analyseCode(ciProject, { silent: true });
  if (!result) throw new Error('analyseCode returned nothing');
  /** @type {Map<string, number>} */
  const sizes = new Map();
  for (const file of result.files) {
    if (!packed.has(file.path)) continue;
    const root = (file.subPackage || '').replace(/^\/+|\/+$/g, '');
    sizes.set(root, (sizes.get(root) || 0) + file.size);
  }
  return sizes;
}

/**
 * Runs `task` with console output held back (miniprogram-ci narrates its compile on the console); prints what was
 * held back if the task fails or JXM_DEBUG=1.
 * @template T
 * @param {() => Promise<T>} task
 * @returns {Promise<T>}
 */
async function quietly(task) {
  const methods = /** @type {const} */ (['log', 'info', 'warn', 'error', 'debug']);
  const saved = methods.map((name) => console[name]);
  /** @type {string[]} */
  const held = [];
  for (const name of methods) console[name] = (...args) => held.push(args.map(String).join(' '));
  const restore = () => methods.forEach((name, i) => (console[name] = saved[i]));
  try {
    const result = await task();
    restore();
    if (process.env.JXM_DEBUG === '1') console.error(held.join('\n'));
    return result;
  } catch (err) {
    restore();
    console.error(held.slice(-20).join('\n'));
    throw err;
  }
}

/**
 * The offline compile: miniprogram-ci asks WeChat's server for the project's attributes and for the file types it
 * packs. The attributes are passed in (its defaults, ci.DefaultProjectAttr: the package limits), and every other
 * request fails at once, before any connection, so miniprogram-ci uses its built-in file types (the list
 * tools/ci/project.js copies). Both seams are miniprogram-ci 2.1.42's (package.json pins the version).
 */
function offlineCiProject(/** @type {import('./project').Project} */ project) {
  const ci = require('miniprogram-ci');
  const request = require('miniprogram-ci/dist/utils/request');
  request.request = async (/** @type {{ url?: string }} */ options) => {
    throw new Error(`npm run size works offline, not requesting ${options && options.url}`);
  };
  return new ci.Project({
    appid: project.config.appid || 'touristappid',
    type: 'miniProgram',
    projectPath: project.dir,
    // never read offline
    privateKey: 'not-used-offline',
    ignores: ['node_modules/**/*'],
    // @ts-expect-error CIProject reads project.attr() if given, instead of asking WeChat (not in its types)
    attr: async () => ci.DefaultProjectAttr,
  });
}

/**
 * Bytes and files per package root of what upload ships: miniprogram-ci's production compile, with the project's
 * own settings as mp:upload compiles (setting.useProjectConfig), source maps left out.
 * @param {import('./project').Project} project
 * @param {Array<{ root: string }>} packages the main package first
 */
async function compiledSizes(project, packages) {
  const ci = require('miniprogram-ci');
  const ciProject = offlineCiProject(project);
  const started = Date.now();
  const files = await quietly(() =>
    // version: required by the options' type, not read by the compile
    ci.getCompiledResult({ project: ciProject, version: '0.0.0', setting: { useProjectConfig: true } }),
  );
  /** @type {Map<string, { bytes: number, files: number }>} */
  const sizes = new Map(packages.map((pkg) => [pkg.root, { bytes: 0, files: 0 }]));
  for (const [file, content] of Object.entries(files)) {
    const size = sizes.get(packageOfFile(packages, file).root);
    if (!size) continue;
    size.bytes += Buffer.isBuffer(content) ? content.length : Buffer.byteLength(content);
    size.files += 1;
  }
  return { sizes, seconds: Math.round((Date.now() - started) / 100) / 10 };
}

async function main() {
  const argv = process.argv.slice(2);
  const compile = !argv.includes('--no-compile');
  const { projectDir } = parseArgs(argv.filter((arg) => arg !== '--no-compile'));
  const project = loadProject(projectDir);
  ensurePackedNpm(project);

  const packages = packagesOf(project);
  const files = packedFiles(project);
  let method =
    'miniprogram-ci analyseCode (the sizes checkCodeQuality checks) + the sources of setting.useCompilerPlugins ' +
    '(.ts, compiled at upload), packOptions.ignore applied';
  /** @type {Map<string, number> | undefined} */
  let analysed;
  try {
    analysed = await analysedSizes(project, new Set(files.map((file) => file.path)));
  } catch (err) {
    method = `sum of the files that would be packed, packOptions.ignore applied (miniprogram-ci analyseCode failed: ${
      err instanceof Error ? err.message : err
    })`;
  }
  const shippedMethod =
    "miniprogram-ci getCompiledResult, offline: the production compile of mp:upload with project.config.json's " +
    'setting (minification, ignoreUploadUnusedFiles), source maps left out';
  /** @type {Awaited<ReturnType<typeof compiledSizes>> | undefined} */
  let compiled;
  /** @type {string | undefined} */
  let compileError;
  if (compile) {
    console.log('Compiling as upload does (miniprogram-ci getCompiledResult, offline: about a minute)…');
    try {
      compiled = await compiledSizes(project, packages);
    } catch (err) {
      compileError = err instanceof Error ? err.message : JSON.stringify(err);
    }
  }

  const rows = packages.map((pkg) => {
    const shipped = compiled?.sizes.get(pkg.root);
    return {
      name: pkg.name,
      root: pkg.root,
      present: pkg.root === '' || fs.existsSync(path.join(project.miniprogramRoot, pkg.root)),
      analysedBytes: analysed ? analysed.get(pkg.root) || 0 : 0,
      addedBytes: 0,
      bytes: 0,
      budgetBytes: pkg.root === '' ? MAIN_BUDGET : SUBPACKAGE_LIMIT,
      withinBudget: true,
      /** @type {number | null} what upload ships (null: not compiled) */
      shippedBytes: shipped ? shipped.bytes : null,
      /** @type {number | null} */
      shippedFiles: shipped ? shipped.files : null,
      shippedBudgetBytes: pkg.root === '' ? SHIPPED_MAIN_BUDGET : SUBPACKAGE_LIMIT,
      shippedWithinBudget: shipped
        ? shipped.bytes <= (pkg.root === '' ? SHIPPED_MAIN_BUDGET : SUBPACKAGE_LIMIT)
        : null,
    };
  });
  for (const file of files) {
    if (analysed && !isPluginSource(project, file.path)) continue;
    packageOfFile(rows, file.path).addedBytes += file.size;
  }
  for (const row of rows) {
    row.bytes = row.analysedBytes + row.addedBytes;
    row.withinBudget = row.bytes <= row.budgetBytes;
  }
  const totalBytes = rows.reduce((sum, row) => sum + row.bytes, 0);
  const shippedTotalBytes = compiled ? rows.reduce((sum, row) => sum + (row.shippedBytes || 0), 0) : null;
  const ok =
    rows.every((row) => row.withinBudget && row.shippedWithinBudget !== false) && compileError === undefined;

  const status = (/** @type {boolean | null} */ within, /** @type {boolean} */ present) =>
    !present ? 'folder not there yet' : within === null ? '' : within ? 'ok' : 'OVER BUDGET';
  const where = path.relative(process.cwd(), project.miniprogramRoot) || '.';
  if (compiled) {
    console.log(`\nShipped, package sizes of ${where}: ${shippedMethod}; ${compiled.seconds} s.\n`);
    console.log(
      table(
        [
          ['package', 'root', 'files', 'shipped', 'budget', 'status'],
          ...rows.map((row) => [
            row.name,
            row.root ? `${row.root}/` : '/',
            String(row.shippedFiles),
            formatBytes(row.shippedBytes || 0),
            formatBytes(row.shippedBudgetBytes),
            status(row.shippedWithinBudget, row.present),
          ]),
          ['total', '', '', formatBytes(shippedTotalBytes || 0), '', ''],
        ],
        [2, 3, 4],
      ),
    );
  } else if (compileError) {
    console.log(`\nShipped: the compile failed (${compileError}); the shipped budget is unchecked.`);
  }
  console.log(`\nUpper bound, package sizes of ${where}: ${method}.\n`);
  console.log(
    table(
      [
        [
          'package',
          'root',
          analysed ? 'analyseCode' : 'files',
          analysed ? '+ sources' : '',
          'size',
          'budget',
          'status',
        ],
        ...rows.map((row) => [
          row.name,
          row.root ? `${row.root}/` : '/',
          formatBytes(analysed ? row.analysedBytes : row.addedBytes),
          analysed ? formatBytes(row.addedBytes) : '',
          formatBytes(row.bytes),
          formatBytes(row.budgetBytes),
          status(row.withinBudget, row.present),
        ]),
        ['total', '', '', '', formatBytes(totalBytes), '', ''],
      ],
      [2, 3, 4, 5],
    ),
  );
  if (project.config.setting?.ignoreUploadUnusedFiles) {
    console.log(
      '\nsetting.ignoreUploadUnusedFiles is on: files no page uses (most of tdesign-miniprogram) are left out at ' +
        'upload, so these figures are an upper bound.',
    );
  }

  const out = path.join(project.dir, 'bench', 'results', 'size.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const report = {
    generatedAt: new Date().toISOString(),
    method,
    shippedMethod: compile ? shippedMethod : 'not compiled (--no-compile)',
    ok,
    /** the upper bound */
    mainBytes: rows[0].bytes,
    totalBytes,
    shippedMainBytes: rows[0].shippedBytes,
    shippedTotalBytes,
    compileSeconds: compiled ? compiled.seconds : null,
    ...(compileError ? { compileError } : {}),
    packages: rows,
  };
  fs.writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
  console.log(`\nWritten to ${path.relative(process.cwd(), out)}.`);

  if (!ok) {
    for (const row of rows) {
      if (row.shippedWithinBudget === false) {
        console.error(
          `${row.name} ships ${formatBytes(row.shippedBytes || 0)}, over its ${formatBytes(row.shippedBudgetBytes)} budget.`,
        );
      }
      if (!row.withinBudget) {
        console.error(
          `${row.name} is ${formatBytes(row.bytes)}, over its ${formatBytes(row.budgetBytes)} budget.`,
        );
      }
    }
    if (compileError) console.error(`The compile failed: ${compileError}`);
    return 1;
  }
  return 0;
}

run(main);
