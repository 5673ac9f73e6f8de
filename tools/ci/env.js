// @ts-check
/**
 * What the CI scripts (npm run size, mp:preview, mp:upload, cloud:deploy) share: their command line and their
 * settings. Settings come from environment variables only, never from a file in the repository: the AppID, the
 * cloud environment and above all the upload key stay out of git (tools/ci/README-fragment.md).
 */
const fs = require('node:fs');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** A mistake the user can fix (a missing variable, a missing build): printed as one message, no stack trace. */
class UsageError extends Error {}

const VARIABLES = {
  JXM_APPID: "the mini-program's AppID (wx followed by 16 hex digits: 公众平台 → 开发管理 → 开发设置)",
  JXM_UPLOAD_KEY_PATH: 'the path of the code upload key private.<appid>.key, kept outside the repository',
  JXM_CLOUD_ENV: 'the WeChat Cloud environment ID (云开发控制台 → 设置 → 环境 ID)',
  JXM_VERSION: 'the version number to upload, e.g. 1.2.0',
  JXM_DESC: 'optional: the version description shown in 版本管理',
  JXM_ROBOT: 'optional: which of the 30 CI robots uploads, 1 to 30 (default 1)',
  JXM_PREVIEW_QR: 'optional: where mp:preview writes the QR code (default bench/results/preview-qrcode.jpg)',
};

/** @typedef {keyof typeof VARIABLES} VariableName */

/**
 * Reads the settings. `required` lists what the command needs, `optional` what else it reads; a missing or
 * malformed value is a problem. A real run stops on them (UsageError); a dry run gets them back to print.
 * @param {{ required: VariableName[], optional: VariableName[], dryRun: boolean }} options
 */
function readEnv({ required, optional, dryRun }) {
  const get = (/** @type {VariableName} */ name) => (process.env[name] || '').trim();
  /** @type {string[]} */
  const problems = required
    .filter((name) => !get(name))
    .map((name) => `${name} is not set: ${VARIABLES[name]}.`);

  const appid = get('JXM_APPID');
  if (appid && !/^wx[0-9a-f]{16}$/i.test(appid)) {
    problems.push(`JXM_APPID is "${appid}", not an AppID: ${VARIABLES.JXM_APPID}.`);
  }
  const keyPath = get('JXM_UPLOAD_KEY_PATH') ? path.resolve(get('JXM_UPLOAD_KEY_PATH')) : '';
  if (keyPath && !fs.existsSync(keyPath)) {
    problems.push(
      `JXM_UPLOAD_KEY_PATH is ${keyPath}, which does not exist: ${VARIABLES.JXM_UPLOAD_KEY_PATH}.`,
    );
  }
  const robot = get('JXM_ROBOT') ? Number(get('JXM_ROBOT')) : 1;
  if (!Number.isInteger(robot) || robot < 1 || robot > 30) {
    problems.push(`JXM_ROBOT is "${get('JXM_ROBOT')}": ${VARIABLES.JXM_ROBOT}.`);
  }
  if (problems.length > 0 && !dryRun) {
    throw new UsageError(
      `${problems.join('\n')}\nSet the variables in the environment (README: “CI: size budget, upload and deploy”).`,
    );
  }

  /** @type {string[]} */
  const warnings = [];
  if (keyPath && !path.relative(REPO_ROOT, keyPath).startsWith('..')) {
    warnings.push(
      `the upload key ${keyPath} is inside the repository: move it out, it must never be committed.`,
    );
  }
  return {
    appid,
    keyPath,
    cloudEnv: get('JXM_CLOUD_ENV'),
    version: get('JXM_VERSION'),
    desc: get('JXM_DESC'),
    robot,
    previewQr: path.resolve(REPO_ROOT, get('JXM_PREVIEW_QR') || 'bench/results/preview-qrcode.jpg'),
    problems,
    warnings,
    /** What a dry run prints about the settings; never the key itself, only its path. */
    describe() {
      return [...required, ...optional].map(
        (name) =>
          `  ${name.padEnd(20)} ${get(name) || (required.includes(name) ? '(not set)' : '(default)')}`,
      );
    },
  };
}

/**
 * The command line: `--dry-run`, `--project <dir>` (the folder with project.config.json; the repository by
 * default, tests point it at fixtures) and, for cloud:deploy, function names.
 * @param {string[]} argv
 */
function parseArgs(argv) {
  let dryRun = false;
  let projectDir = REPO_ROOT;
  /** @type {string[]} */
  const names = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--dry-run') dryRun = true;
    else if (arg === '--project' && argv[i + 1]) projectDir = path.resolve(argv[++i]);
    else if (arg.startsWith('-'))
      throw new UsageError(`Unknown option ${arg}: use --dry-run or --project <dir>.`);
    else names.push(arg);
  }
  return { dryRun, projectDir, names };
}

/** Something miniprogram-ci threw, as one line (it throws Errors, CodeErrors and plain objects). */
function describeError(/** @type {unknown} */ err) {
  if (err instanceof Error) return err.message;
  if (err && typeof err === 'object') return JSON.stringify(err);
  return String(err);
}

/**
 * Runs a script's main and exits with its code. miniprogram-ci leaves a file watcher running, so the process is
 * ended explicitly. Errors are one message, no stack trace (JXM_DEBUG=1 prints it).
 * @param {() => Promise<number>} main
 */
function run(main) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      if (err instanceof UsageError) {
        console.error(err.message);
      } else {
        console.error(`Failed: ${describeError(err)}`);
        console.error(
          'If WeChat refused the request: check the AppID, the upload key and that this machine’s IP is on the ' +
            'whitelist (公众平台 → 开发管理 → 开发设置 → 小程序代码上传).',
        );
        if (process.env.JXM_DEBUG === '1' && err instanceof Error) console.error(err.stack);
      }
      process.exit(1);
    },
  );
}

module.exports = { REPO_ROOT, UsageError, VARIABLES, readEnv, parseArgs, run };
