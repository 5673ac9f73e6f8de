#!/usr/bin/env node
// @ts-check
/**
 * npm run cloud:deploy [-- <function>...] — uploads every built cloud function (cloudfunctions/<fn>/ with index.js
 * and package.json; never cloudfunctions/_server, which is bundled into each) with ci.cloud.uploadFunction and
 * remoteNpmInstall (wx-server-sdk is installed in the cloud), then creates the timer triggers of its config.json
 * with ci.cloud.createTimeTrigger, one call per trigger (miniprogram-ci takes one trigger per call).
 * Only index.js, package.json, package-lock.json and config.json are uploaded, from a staging folder: not src/.
 * Settings from the environment (tools/ci/env.js): JXM_APPID, JXM_UPLOAD_KEY_PATH, JXM_CLOUD_ENV.
 * --dry-run: no key, no network; checks the built functions and lists what would be uploaded.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { UsageError, readEnv, parseArgs, run } = require('./env');
const { ciProject, readJson, loadProject, listFiles, formatBytes, count, table } = require('./project');

const UPLOADED = ['index.js', 'package.json', 'package-lock.json', 'config.json'];

/**
 * The functions to deploy, with their files and triggers, and what is wrong with them.
 * @param {string} root cloudfunctionRoot
 * @param {string[]} only function names given on the command line
 */
function findFunctions(root, only) {
  /** @type {string[]} */
  const problems = [];
  /** @type {string[]} */
  const warnings = [];
  const functions = [];
  const names = fs
    .readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('_'))
    .map((entry) => entry.name)
    .sort();
  for (const name of only.filter((n) => !names.includes(n))) problems.push(`no function ${name} in ${root}`);

  for (const name of names.filter((n) => only.length === 0 || only.includes(n))) {
    const dir = path.join(root, name);
    const has = (/** @type {string} */ file) => fs.existsSync(path.join(dir, file));
    if (!has('index.js') || !has('package.json')) {
      if (has('src'))
        problems.push(`${name}: no ${has('index.js') ? 'package.json' : 'index.js'}: run npm run build`);
      continue;
    }
    const files = listFiles(dir).filter((file) => UPLOADED.includes(file.path));
    const sources = listFiles(path.join(dir, 'src'));
    const built = files.find((file) => file.path === 'index.js');
    if (built && sources.some((file) => file.mtimeMs > built.mtimeMs)) {
      warnings.push(`${name}/index.js is older than ${name}/src: run npm run build`);
    }
    /** @type {any} */
    const config = has('config.json') ? readJson(path.join(dir, 'config.json')) : {};
    /** @type {Array<{ name: string, type: string, config: string }>} */
    const triggers = config.triggers || [];
    for (const trigger of triggers) {
      if (
        trigger.type !== 'timer' ||
        !trigger.name ||
        String(trigger.config).trim().split(/\s+/).length !== 7
      ) {
        problems.push(
          `${name}/config.json: trigger ${JSON.stringify(trigger)} is not a timer with a 7-field cron`,
        );
      }
    }
    // WeChat's default is 3 s; a function's slowest path (e.g. 1,000 rows of the risk list) needs its own
    const timeout = config.timeout;
    if (!Number.isInteger(timeout) || timeout < 1 || timeout > 300) {
      problems.push(
        `${name}/config.json: timeout ${JSON.stringify(timeout)} is not a whole number of seconds, 1–300`,
      );
    }
    functions.push({
      name,
      dir,
      files,
      sources: sources.length,
      triggers,
      timeout,
      openapi: config.permissions?.openapi || [],
    });
  }
  if (functions.length === 0 && problems.length === 0)
    problems.push(`no built function in ${root}: run npm run build`);
  return { functions, problems, warnings };
}

/** Copies the uploaded files of a function to a fresh folder: uploadFunction zips the whole folder it is given. */
function stage(/** @type {{ name: string, dir: string, files: Array<{ path: string }> }} */ fn) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `jxm-deploy-${fn.name}-`));
  for (const file of fn.files) fs.copyFileSync(path.join(fn.dir, file.path), path.join(dir, file.path));
  return dir;
}

async function main() {
  const { dryRun, projectDir, names } = parseArgs(process.argv.slice(2));
  const env = readEnv({
    required: ['JXM_APPID', 'JXM_UPLOAD_KEY_PATH', 'JXM_CLOUD_ENV'],
    optional: [],
    dryRun,
  });
  env.warnings.forEach((warning) => console.warn(`Warning: ${warning}`));
  const project = loadProject(projectDir);
  if (!project.cloudfunctionRoot || !fs.existsSync(project.cloudfunctionRoot)) {
    throw new UsageError(
      `project.config.json: cloudfunctionRoot ${project.config.cloudfunctionRoot} is not a folder.`,
    );
  }
  const { functions, problems, warnings } = findFunctions(project.cloudfunctionRoot, names);
  warnings.forEach((warning) => console.warn(`Warning: ${warning}`));
  const rel = (/** @type {string} */ p) => path.relative(project.dir, p);

  if (dryRun) {
    console.log('cloud:deploy --dry-run: nothing is uploaded, no key or network is used.\n');
    console.log(`Environment (read by the real run):\n${env.describe().join('\n')}`);
    env.problems.forEach((problem) => console.log(`  ! ${problem}`));
    const target = env.cloudEnv || '(JXM_CLOUD_ENV)';
    console.log(
      `\nWould upload ${count(functions.length, 'function')} to ${target}, remoteNpmInstall: true (src/ stays here):`,
    );
    for (const fn of functions) {
      const size = fn.files.reduce((sum, file) => sum + file.size, 0);
      console.log(
        `\nfunction ${fn.name}: ${count(fn.files.length, 'file')}, ${formatBytes(size)} (src/ stays here: ${count(fn.sources, 'file')})`,
      );
      console.log(
        table(
          [['file', 'size'], ...fn.files.map((f) => [rel(path.join(fn.dir, f.path)), formatBytes(f.size)])],
          [1],
        ),
      );
      console.log(`  timeout (config.json): ${fn.timeout} s`);
      if (fn.openapi.length) console.log(`  cloud call permissions (config.json): ${fn.openapi.join(', ')}`);
      for (const t of fn.triggers) console.log(`  timer trigger ${t.name}: ${t.config}`);
    }
    console.log(
      problems.length
        ? `\nThe deploy would fail:\n${problems.map((p) => `  - ${p}`).join('\n')}`
        : '\nFunction checks passed: every function is built, has its timeout, every trigger is a 7-field timer.',
    );
    return problems.length ? 1 : 0;
  }
  if (problems.length) throw new UsageError(`Not deploying:\n${problems.map((p) => `  - ${p}`).join('\n')}`);

  const ci = require('miniprogram-ci');
  const uploadable = ciProject(env, project.dir);
  /** @type {string[]} */
  const done = [];
  for (const fn of functions) {
    console.log(`Uploading ${fn.name} to ${env.cloudEnv}…`);
    const staged = stage(fn);
    try {
      const result = await ci.cloud
        .uploadFunction({
          project: uploadable,
          env: env.cloudEnv,
          name: fn.name,
          path: staged,
          remoteNpmInstall: true,
        })
        .catch((/** @type {unknown} */ err) => {
          const before = done.length ? ` (deployed before it: ${done.join(', ')})` : '';
          throw new Error(`${fn.name}: ${err instanceof Error ? err.message : JSON.stringify(err)}${before}`);
        });
      console.log(`  ${fn.name}: ${result.filesCount} files, ${formatBytes(result.packSize)} zipped`);
    } finally {
      fs.rmSync(staged, { recursive: true, force: true });
    }
    for (const trigger of fn.triggers) {
      const message = await ci.cloud.createTimeTrigger({
        project: uploadable,
        envId: env.cloudEnv,
        functionName: fn.name,
        triggersConfig: [{ name: trigger.name, type: trigger.type, config: trigger.config }],
      });
      // miniprogram-ci answers with a string; its failure answer usually means the trigger exists already
      console.log(
        message === '创建定时触发器成功'
          ? `  trigger ${trigger.name} created`
          : `  trigger ${trigger.name} not created (${message}): it may exist already; check 云开发控制台 → 云函数 → ${fn.name} → 触发器`,
      );
    }
    done.push(fn.name);
  }
  console.log(`Deployed ${done.join(', ')} to ${env.cloudEnv}.`);
  return 0;
}

run(main);
