/**
 * project.config.json's packOptions.ignore leaves out of the upload the core files that only the cloud functions
 * run (contracts the pages import for their types only, the credit-code check): the main package then stays within
 * its budget. This proves no page, component or service reaches one of them at run time.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';

const ROOT = resolve(__dirname, '..', '..');
const MINIPROGRAM = join(ROOT, 'miniprogram');

function entries(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'miniprogram_npm') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...entries(path));
    else if (
      path.endsWith('.ts') &&
      (existsSync(path.replace(/\.ts$/, '.json')) || entry.name === 'app.ts')
    ) {
      out.push(path);
    }
  }
  return out;
}

it('should ignore at upload only files that no page, component or service runs', () => {
  const config = JSON.parse(readFileSync(join(ROOT, 'project.config.json'), 'utf8')) as {
    packOptions: { ignore: Array<{ type: string; value: string }> };
  };
  const ignored = config.packOptions.ignore
    .filter((rule) => rule.type === 'file' && rule.value.endsWith('.ts'))
    .map((rule) => join(MINIPROGRAM, rule.value));
  expect(ignored.length).toBeGreaterThan(0);
  const pages = entries(MINIPROGRAM);
  expect(pages.length).toBeGreaterThan(10);
  const built = buildSync({
    entryPoints: pages,
    bundle: true,
    write: false,
    metafile: true,
    outdir: join(ROOT, '.tmp-upload-check'),
    platform: 'neutral',
    external: ['tdesign-miniprogram', 'crypto-js', 'crypto-js/*', 'dayjs', 'fflate', 'miniprogram-sm-crypto'],
    logLevel: 'silent',
  });
  const runs = new Set(Object.keys(built.metafile.inputs).map((input) => resolve(ROOT, input)));
  expect(ignored.filter((file) => runs.has(file))).toEqual([]);
  // the check can fail: a file every page runs is among the inputs
  expect(runs.has(join(MINIPROGRAM, 'services', 'cloud.ts'))).toBe(true);
});
