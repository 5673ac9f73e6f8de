// Tests run against the bundles that get uploaded: build the functions and the local cloud first (about 1 s),
// and pack the mini-program's npm dependencies once if they are missing (the page tests load the real TDesign).
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

module.exports = async () => {
  const packed = fs.existsSync(
    path.join(__dirname, '..', 'miniprogram', 'miniprogram_npm', 'tdesign-miniprogram'),
  );
  const args = ['--no-typecheck', '--quiet', ...(packed ? ['--functions'] : [])];
  execFileSync(process.execPath, [path.join(__dirname, '..', 'tools', 'build.js'), ...args], {
    stdio: 'inherit',
  });
};
