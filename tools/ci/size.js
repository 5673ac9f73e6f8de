#!/usr/bin/env node
// @ts-check
/**
 * npm run size — the size of the main package and of each subpackage, as WeChat counts them, offline.
 *
 * The figures come from miniprogram-ci's code analysis (ci.analyseCode: every file the packer takes, assigned to
 * the main package or a subpackage; checkCodeQuality's PACKAGE_SIZE_LIMIT adds up the same list). That analysis
 * leaves out the sources of the compiler plugins in setting.useCompilerPlugins (our .ts files, compiled to .js at
 * upload), so they are added here, and packOptions.ignore is applied. If the analysis fails, the files that would
 * be packed are summed instead; the output says which.
 *
 * Budgets: main package 1.5 MB (WeChat's hard limit is 2 MB), each subpackage 2 MB; 1 MB = 1024 × 1024 bytes, as in
 * checkCodeQuality. Exits 1 over budget. Writes the figures to bench/results/size.json.
 * Options: --project <dir> (default: the repository).
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { REPO_ROOT, UsageError, parseArgs, run } = require('./env');
const {
  loadProject,
  isPluginSource,
  packedFiles,
  packedNpm,
  packagesOf,
  packageOfFile,
  formatBytes,
  table,
} = require('./project');

const MB = 1024 * 1024;
const MAIN_BUDGET = 1.5 * MB;
const SUBPACKAGE_LIMIT = 2 * MB;

/** The packed npm must be there: it is most of the main package. Packs it when this is the repository. */
function ensurePackedNpm(/** @type {import('./project').Project} */ project) {
  const missing = packedNpm(project).filter((npm) => npm.missing.length > 0);
  if (missing.length === 0) return;
  const where = missing
    .map((npm) => `${path.relative(project.dir, npm.dir)} (${npm.missing.join(', ')})`)
    .join(', ');
  if (project.dir !== REPO_ROOT)
    throw new UsageError(`The packed npm is missing: ${where}. Pack it first (DevTools: 工具 → 构建 npm).`);
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

async function main() {
  const { projectDir } = parseArgs(process.argv.slice(2));
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

  const rows = packages.map((pkg) => ({
    name: pkg.name,
    root: pkg.root,
    present: pkg.root === '' || fs.existsSync(path.join(project.miniprogramRoot, pkg.root)),
    analysedBytes: analysed ? analysed.get(pkg.root) || 0 : 0,
    addedBytes: 0,
    bytes: 0,
    budgetBytes: pkg.root === '' ? MAIN_BUDGET : SUBPACKAGE_LIMIT,
    withinBudget: true,
  }));
  for (const file of files) {
    if (analysed && !isPluginSource(project, file.path)) continue;
    packageOfFile(rows, file.path).addedBytes += file.size;
  }
  for (const row of rows) {
    row.bytes = row.analysedBytes + row.addedBytes;
    row.withinBudget = row.bytes <= row.budgetBytes;
  }
  const totalBytes = rows.reduce((sum, row) => sum + row.bytes, 0);
  const ok = rows.every((row) => row.withinBudget);

  console.log(
    `Package sizes of ${path.relative(process.cwd(), project.miniprogramRoot) || '.'}: ${method}.\n`,
  );
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
          row.present ? (row.withinBudget ? 'ok' : 'OVER BUDGET') : 'folder not there yet',
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
    ok,
    mainBytes: rows[0].bytes,
    totalBytes,
    packages: rows,
  };
  fs.writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
  console.log(`\nWritten to ${path.relative(process.cwd(), out)}.`);

  if (!ok) {
    for (const row of rows.filter((r) => !r.withinBudget)) {
      console.error(
        `${row.name} is ${formatBytes(row.bytes)}, over its ${formatBytes(row.budgetBytes)} budget.`,
      );
    }
    return 1;
  }
  return 0;
}

run(main);
