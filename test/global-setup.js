// Tests run against the bundles that get uploaded: build the functions and the local cloud first (about 1 s),
// and pack the mini-program's npm dependencies once if they are missing (the page tests load the real TDesign:
// the main package's, and each subpackage's copy of what its pages use).
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const MINIPROGRAM = path.join(__dirname, '..', 'miniprogram');

/** Whether the npm is packed: the main package's TDesign, and the copy of each subpackage whose pages use one. */
function packed() {
  if (!fs.existsSync(path.join(MINIPROGRAM, 'miniprogram_npm', 'tdesign-miniprogram'))) return false;
  const app = JSON.parse(fs.readFileSync(path.join(MINIPROGRAM, 'app.json'), 'utf8'));
  return (app.subpackages || []).every(({ root }) => {
    const copy = path.join(MINIPROGRAM, root, 'miniprogram_npm', 'tdesign-miniprogram');
    const pages = path.join(MINIPROGRAM, root);
    const uses = fs
      .readdirSync(pages, { recursive: true })
      .some(
        (file) =>
          String(file).endsWith('.json') &&
          !String(file).includes('miniprogram_npm') &&
          fs
            .readFileSync(path.join(pages, String(file)), 'utf8')
            .includes('/miniprogram_npm/tdesign-miniprogram/'),
      );
    return !uses || fs.existsSync(copy);
  });
}

module.exports = async () => {
  const args = ['--no-typecheck', '--quiet', ...(packed() ? ['--functions'] : [])];
  execFileSync(process.execPath, [path.join(__dirname, '..', 'tools', 'build.js'), ...args], {
    stdio: 'inherit',
  });
};
