/** The repository root, found from the running file whether it runs from source or from a bundle in dist/. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const REPO_ROOT = (() => {
  let dir = __dirname;
  while (!existsSync(join(dir, 'project.config.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
})();
