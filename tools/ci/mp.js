#!/usr/bin/env node
// @ts-check
/**
 * npm run mp:preview / npm run mp:upload — the mini-program through miniprogram-ci (ci.preview / ci.upload),
 * compiled with the settings of project.config.json. Settings from the environment (tools/ci/env.js):
 *   preview: JXM_APPID, JXM_UPLOAD_KEY_PATH; optional JXM_DESC, JXM_ROBOT, JXM_PREVIEW_QR
 *   upload:  JXM_APPID, JXM_UPLOAD_KEY_PATH, JXM_VERSION; optional JXM_DESC, JXM_ROBOT
 * --dry-run: no key, no network; checks the project (pages, the components they use, packed npm) and lists what
 * would be uploaded.
 * Run `npm run build` first: it packs the npm dependencies into miniprogram/miniprogram_npm and the subpackages'.
 */
const fs = require('node:fs');
const path = require('node:path');
const { UsageError, readEnv, parseArgs, run } = require('./env');
const {
  ciProject,
  loadProject,
  missingComponents,
  packedFiles,
  packedNpm,
  packagesOf,
  formatBytes,
  count,
  table,
} = require('./project');

/** Everything wrong with the project that would make the upload fail or ship without its npm packages. */
function checkProject(/** @type {import('./project').Project} */ project, /** @type {Set<string>} */ packed) {
  const rel = (/** @type {string} */ p) => path.relative(project.dir, p) || '.';
  /** @type {string[]} */
  const problems = [];
  for (const pkg of packagesOf(project)) {
    for (const page of pkg.pages || []) {
      const missing = [`${page}.wxml`, `${page}.ts or .js`].filter((file) =>
        file.endsWith('.wxml') ? !packed.has(file) : !packed.has(`${page}.ts`) && !packed.has(`${page}.js`),
      );
      if (missing.length) problems.push(`page ${page} (${pkg.name}) has no ${missing.join(' and no ')}`);
    }
  }
  for (const npm of packedNpm(project)) {
    if (npm.missing.length) {
      problems.push(`${rel(npm.dir)} lacks ${npm.missing.join(', ')}: run npm run build (it packs the npm)`);
    }
  }
  problems.push(...missingComponents(project, packed));
  return problems;
}

/** The dry-run listing: the app's files one by one, each packed npm package as one line. */
function listing(/** @type {Array<{ path: string, size: number }>} */ files) {
  /** @type {Map<string, { count: number, size: number }>} */
  const npm = new Map();
  /** @type {string[][]} */
  const rows = [];
  for (const file of files) {
    const parts = file.path.split('/');
    if (parts[0] === 'miniprogram_npm') {
      const name = parts[1].startsWith('@') ? `${parts[1]}/${parts[2]}` : parts[1];
      const entry = npm.get(name) || { count: 0, size: 0 };
      npm.set(name, { count: entry.count + 1, size: entry.size + file.size });
    } else {
      rows.push([file.path, formatBytes(file.size)]);
    }
  }
  for (const [name, entry] of npm)
    rows.push([`miniprogram_npm/${name}/ (${count(entry.count, 'file')})`, formatBytes(entry.size)]);
  return table([['file', 'size'], ...rows], [1]);
}

async function main() {
  const action = process.argv[2];
  if (action !== 'preview' && action !== 'upload')
    throw new UsageError('Usage: node tools/ci/mp.js preview|upload [--dry-run]');
  const { dryRun, projectDir } = parseArgs(process.argv.slice(3));
  const env = readEnv(
    action === 'upload'
      ? {
          required: ['JXM_APPID', 'JXM_UPLOAD_KEY_PATH', 'JXM_VERSION'],
          optional: ['JXM_DESC', 'JXM_ROBOT'],
          dryRun,
        }
      : {
          required: ['JXM_APPID', 'JXM_UPLOAD_KEY_PATH'],
          optional: ['JXM_DESC', 'JXM_ROBOT', 'JXM_PREVIEW_QR'],
          dryRun,
        },
  );
  env.warnings.forEach((warning) => console.warn(`Warning: ${warning}`));
  const project = loadProject(projectDir);
  const files = packedFiles(project);
  const problems = checkProject(project, new Set(files.map((file) => file.path)));

  if (dryRun) {
    const total = files.reduce((sum, file) => sum + file.size, 0);
    console.log(`mp:${action} --dry-run: nothing is uploaded, no key or network is used.\n`);
    console.log(
      `Project: ${project.dir}/project.config.json, miniprogramRoot ${project.config.miniprogramRoot}`,
    );
    console.log(`Environment (read by the real run):\n${env.describe().join('\n')}`);
    env.problems.forEach((problem) => console.log(`  ! ${problem}`));
    console.log(
      `\nWould ${action} these ${count(files.length, 'file')} (${formatBytes(total)}, packOptions.ignore applied):\n`,
    );
    console.log(listing(files));
    if (project.config.setting?.ignoreUploadUnusedFiles) {
      console.log('\nsetting.ignoreUploadUnusedFiles is on: files no page uses are left out at upload.');
    }
    console.log(
      problems.length
        ? `\nThe ${action} would fail:\n${problems.map((p) => `  - ${p}`).join('\n')}`
        : '\nProject checks passed: every page and component is there, the npm is packed.',
    );
    return problems.length ? 1 : 0;
  }
  if (problems.length) throw new UsageError(`Not uploading:\n${problems.map((p) => `  - ${p}`).join('\n')}`);

  const ci = require('miniprogram-ci');
  const uploadable = ciProject(env, project.dir);
  const common = {
    project: uploadable,
    desc: env.desc || (action === 'upload' ? `吉事办 ${env.version}` : 'preview'),
    robot: env.robot,
    setting: { useProjectConfig: true },
    // miniprogram-ci reports each step twice, 'doing' then 'done': print the outcome only
    onProgressUpdate: (/** @type {string | { status: string, message: string }} */ task) => {
      if (typeof task === 'string') console.log(task);
      else if (task.status !== 'doing') console.log(`${task.status}: ${task.message}`);
    },
  };
  console.log(`${action === 'upload' ? 'Uploading' : 'Previewing'} ${env.appid} with robot ${env.robot}…`);
  if (action === 'preview') fs.mkdirSync(path.dirname(env.previewQr), { recursive: true });
  const result =
    action === 'upload'
      ? await ci.upload({ ...common, version: env.version })
      : await ci.preview({
          ...common,
          version: env.version || '0.0.0',
          qrcodeFormat: 'image',
          qrcodeOutputDest: env.previewQr,
        });
  for (const pkg of result.subPackageInfo || []) {
    const name =
      pkg.name === '__FULL__' ? 'all packages' : pkg.name === '__APP__' ? 'main package' : pkg.name;
    console.log(`  ${name}: ${formatBytes(pkg.size)}`);
  }
  console.log(
    action === 'upload'
      ? `Uploaded version ${env.version}: submit it for review in 版本管理.`
      : `Preview QR code: ${env.previewQr}`,
  );
  return 0;
}

run(main);
