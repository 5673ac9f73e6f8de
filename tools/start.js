#!/usr/bin/env node
// @ts-check
/**
 * npm start — the whole backend on this machine, from a fresh clone:
 *  1. installs the locked dependencies when node_modules is missing or older than package-lock.json;
 *  2. builds the cloud functions and the local cloud (no type check: `npm test` does that);
 *  3. starts the local cloud on 127.0.0.1:${JXM_PORT:-3900} with its data in ${JXM_DATA_DIR:-.data}.
 * Ctrl-C stops it cleanly.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

function checkNode() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 20 || major > 22) {
    console.error(
      `Node.js ${process.versions.node}: this project needs Node.js 20 or 22 (better-sqlite3 12).`,
    );
    process.exit(1);
  }
}

function installIfNeeded() {
  const marker = path.join(ROOT, 'node_modules', '.package-lock.json');
  const lock = path.join(ROOT, 'package-lock.json');
  const stale = !fs.existsSync(marker) || fs.statSync(lock).mtimeMs > fs.statSync(marker).mtimeMs;
  if (!stale) return;
  console.log('Installing dependencies (npm ci)…');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  execFileSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: ROOT, stdio: 'inherit' });
}

function build() {
  execFileSync(process.execPath, [path.join(__dirname, 'build.js'), '--no-typecheck', '--functions'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}

checkNode();
installIfNeeded();
build();
require(path.join(ROOT, 'tools', 'local-cloud', 'dist', 'main.js'));
