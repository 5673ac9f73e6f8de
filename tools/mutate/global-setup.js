// @ts-check
/**
 * Builds the cloud functions' bundles from the (mutated) sources before an area's tests run, once per set of
 * sources: Stryker runs jest again for every mutant, and all mutants are in the one build (they are switched on at
 * run time), so a stamp of the sources' times skips every build after the first. A lock keeps two test runners from
 * building at once.
 */
const { execFileSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
// outside the tree (Stryker's sandbox shares node_modules with the repository): one stamp per checkout or sandbox
const STAMP = path.join(
  os.tmpdir(),
  `jxm-mutate-build-${createHash('sha1').update(ROOT).digest('hex').slice(0, 12)}.stamp`,
);
const LOCK = `${STAMP}.lock`;
/** A lock older than this was left by a runner that died while building. */
const STALE_LOCK_MS = 120_000;

function sources() {
  const out = [];
  const walk = (/** @type {string} */ dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(file);
      } else if (entry.name.endsWith('.ts')) out.push(file);
    }
  };
  walk(path.join(ROOT, 'cloudfunctions'));
  walk(path.join(ROOT, 'miniprogram', 'core'));
  return out;
}

function stamp() {
  const files = sources();
  const newest = Math.max(...files.map((file) => fs.statSync(file).mtimeMs));
  return `${files.length}:${newest}`;
}

const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

module.exports = async () => {
  const wanted = stamp();
  for (;;) {
    if (fs.existsSync(STAMP) && fs.readFileSync(STAMP, 'utf8') === wanted) return;
    let lock;
    try {
      lock = fs.openSync(LOCK, 'wx');
    } catch {
      // another runner is building (or died doing it)
      const age = Date.now() - (fs.statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_LOCK_MS) fs.rmSync(LOCK, { force: true });
      await sleep(200);
      continue;
    }
    try {
      if (fs.existsSync(STAMP) && fs.readFileSync(STAMP, 'utf8') === wanted) return;
      execFileSync(
        process.execPath,
        [path.join(ROOT, 'tools', 'build.js'), '--no-typecheck', '--quiet', '--functions'],
        {
          stdio: 'inherit',
        },
      );
      fs.writeFileSync(STAMP, wanted);
    } finally {
      fs.closeSync(lock);
      fs.rmSync(LOCK, { force: true });
    }
  }
};
