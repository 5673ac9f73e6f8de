// Tests run against the bundles that get uploaded: build the functions and the local cloud first (about 1 s).
const { execFileSync } = require('node:child_process');
const path = require('node:path');

module.exports = async () => {
  execFileSync(
    process.execPath,
    [path.join(__dirname, '..', 'tools', 'build.js'), '--no-typecheck', '--functions', '--quiet'],
    {
      stdio: 'inherit',
    },
  );
};
