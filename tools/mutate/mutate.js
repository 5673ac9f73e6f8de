#!/usr/bin/env node
// @ts-check
/**
 * npm run mutate [-- <area> [options]] — mutation testing with Stryker (StrykerJS: @stryker-mutator/core, the jest
 * runner, the TypeScript checker), one area at a time (tools/mutate/areas.js), outside CI. Without an area it
 * lists the areas and how to run one.
 *
 * Each run writes bench/results/mutation/<area>.html (Stryker's report), <area>.json (mutation-testing-report-schema)
 * and <area>.txt, one line: the score and the counts.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { AREAS } = require('./areas');

const ROOT = path.resolve(__dirname, '..', '..');
const RESULTS = path.join('bench', 'results', 'mutation');

const USAGE = `npm run mutate -- <area> [--dry-run] [--concurrency 1|2] [--mutate <glob or file:lines>] [--no-check]

  <area>          one of the areas below
  --dry-run       only the initial test run (instrumented, with coverage): checks that the area starts
  --concurrency   Stryker's worker processes (default 2: one TypeScript checker and one test runner, or two
                  runners with --no-check); this machine has 2 cores: keep it at 1 or 2
  --mutate        mutate only these files (repeatable), e.g. miniprogram/core/geo.ts or
                  cloudfunctions/_server/org/org.ts:500-540; the reports are then <area>.partial.*
  --no-check      skip the TypeScript checker (faster; mutants that would not compile then count as killed or
                  survived instead of "compile error")

Reports: ${RESULTS}/<area>.html, <area>.json, <area>.txt (one-line score); with --mutate, <area>.partial.*.`;

function listAreas() {
  const width = Math.max(...Object.keys(AREAS).map((name) => name.length));
  const lines = Object.entries(AREAS).map(
    ([name, area]) =>
      `  ${name.padEnd(width)}  ${area.description}\n  ${' '.repeat(width)}  mutates ${area.mutate.join(', ')}; tests ${area.tests.length} file pattern(s)`,
  );
  return `Areas:\n${lines.join('\n')}`;
}

/** @param {string[]} argv */
function parseArgs(argv) {
  /** @type {{ area?: string, dryRun: boolean, concurrency: number, mutate?: string[], check: boolean }} */
  const out = { dryRun: false, concurrency: 2, check: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--dry-run' || arg === '--dryRunOnly') out.dryRun = true;
    else if (arg === '--no-check') out.check = false;
    else if (arg === '--concurrency') out.concurrency = Number(argv[++i]);
    else if (arg === '--mutate') (out.mutate ??= []).push(argv[++i]);
    else if (arg === '-h' || arg === '--help') return null;
    else if (!arg.startsWith('-') && out.area === undefined) out.area = arg;
    else throw new Error(`unknown argument: ${arg}`);
  }
  if (!Number.isInteger(out.concurrency) || out.concurrency < 1)
    throw new Error('--concurrency takes 1 or more');
  return out;
}

/** The mutation score as Stryker computes it: detected / (detected + undetected), errors and ignored left out. */
function summarise(/** @type {Array<{ status: string }>} */ results) {
  /** @type {Record<string, number>} */
  const count = {};
  for (const r of results) count[r.status] = (count[r.status] ?? 0) + 1;
  const n = (/** @type {string} */ status) => count[status] ?? 0;
  const detected = n('Killed') + n('Timeout');
  const undetected = n('Survived') + n('NoCoverage');
  const valid = detected + undetected;
  const score = valid === 0 ? NaN : (100 * detected) / valid;
  const covered = detected + n('Survived');
  return {
    score,
    scoreCovered: covered === 0 ? NaN : (100 * detected) / covered,
    text:
      `score ${score.toFixed(2)}% (covered ${covered ? ((100 * detected) / covered).toFixed(2) : 'n/a'}%): ` +
      `${n('Killed')} killed, ${n('Timeout')} timed out, ${n('Survived')} survived, ${n('NoCoverage')} no coverage; ` +
      `${n('CompileError')} compile errors, ${n('RuntimeError')} runtime errors, ${n('Ignored')} ignored; ` +
      `${results.length} mutants`,
  };
}

const minutes = (/** @type {number} */ ms) =>
  `${Math.floor(ms / 60_000)}m ${Math.round((ms % 60_000) / 1000)}s`;

async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : err}\n\n${USAGE}\n\n${listAreas()}`);
    process.exit(1);
  }
  if (!args || args.area === undefined) {
    console.log(
      `Mutation testing (Stryker), one area at a time; not part of npm test or CI.\n\n${USAGE}\n\n${listAreas()}\n`,
    );
    console.log('Example: npm run mutate -- core');
    return;
  }
  const name = args.area;
  const area = AREAS[name];
  if (!area) {
    console.error(`no area "${name}"\n\n${listAreas()}`);
    process.exit(1);
  }
  if (args.concurrency > 2) console.warn(`concurrency ${args.concurrency}: this machine has 2 cores`);

  // a run aimed at some files (--mutate) does not overwrite the area's full report
  const report = args.mutate ? `${name}.partial` : name;

  process.chdir(ROOT);
  // tools/mutate/jest.config.js reads the area (the test runners are child processes: they inherit it)
  process.env.JXM_MUTATE_AREA = name;
  fs.mkdirSync(RESULTS, { recursive: true });

  /** @type {Record<string, unknown>} */
  const options = {
    packageManager: 'npm',
    testRunner: 'jest',
    plugins: ['@stryker-mutator/jest-runner', '@stryker-mutator/typescript-checker'],
    checkers: args.check ? ['typescript'] : [],
    tsconfigFile: area.tsconfig,
    typescriptChecker: { prioritizePerformanceOverAccuracy: true },
    coverageAnalysis: 'perTest',
    // swc and esbuild do not type-check: no `// @ts-nocheck` on every file of the sandbox (a test compares a
    // generated file byte for byte with what its generator makes)
    disableTypeChecks: false,
    mutate: args.mutate ?? area.mutate,
    jest: {
      projectType: 'custom',
      configFile: 'tools/mutate/jest.config.js',
      // tests that reach the code through the bundles do not import it: jest cannot find them as related
      enableFindRelatedTests: !area.bundles,
    },
    concurrency: args.concurrency,
    timeoutMS: 10_000,
    dryRunTimeoutMinutes: 30,
    dryRunOnly: args.dryRun,
    reporters: ['html', 'json', 'clear-text', process.stdout.isTTY ? 'progress' : 'progress-append-only'],
    htmlReporter: { fileName: path.join(RESULTS, `${report}.html`) },
    jsonReporter: { fileName: path.join(RESULTS, `${report}.json`) },
    clearTextReporter: {
      allowColor: false,
      reportMutants: false,
      reportTests: false,
      reportScoreTable: true,
    },
    thresholds: { high: 80, low: 60, break: null },
    // outside the tree, so that lint, prettier and tsc of the repository never see the instrumented copy
    tempDirName: path.join(os.tmpdir(), `jxm-stryker-${name}`),
    cleanTempDir: true,
    ignorePatterns: [
      'bench/results',
      'docs',
      'miniprogram/miniprogram_npm',
      '.data',
      'coverage',
      '*.log',
      'cloudfunctions/*/index.js',
      'cloudfunctions/*/index.js.map',
    ],
    logLevel: 'info',
    allowConsoleColors: false,
  };

  const started = Date.now();
  const { Stryker } = await import('@stryker-mutator/core');
  const results = await new Stryker(options).runMutationTest();
  const took = Date.now() - started;
  if (args.dryRun) {
    console.log(`\nmutate ${name}: the dry run passed in ${minutes(took)} (no mutants run)`);
    return;
  }
  const summary = summarise(results);
  const line = `${name} ${new Date().toISOString()} ${summary.text}; ${minutes(took)} at concurrency ${args.concurrency}${
    args.mutate ? ` (only ${args.mutate.join(', ')})` : ''
  }`;
  fs.writeFileSync(path.join(RESULTS, `${report}.txt`), `${line}\n`);
  console.log(`\n${line}\nreports: ${RESULTS}/${report}.html, ${report}.json, ${report}.txt`);
}

main().catch((err) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
