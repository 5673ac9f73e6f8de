// @ts-check
/**
 * The mini-program project as miniprogram-ci sees it: project.config.json, the files it packs from the
 * miniprogramRoot (packOptions applied) and the npm packages packed into miniprogram_npm. Shared by the CI scripts.
 */
const fs = require('node:fs');
const path = require('node:path');
const { UsageError } = require('./env');

/** Never packed, whatever packOptions says (miniprogram-ci's own list). */
const NEVER_PACKED = new Set(['node_modules', '.git', '.svn', '.DS_Store']);

/** @typedef {{ path: string, size: number, mtimeMs: number }} FileEntry  path: relative, with forward slashes */

function readJson(/** @type {string} */ file) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`${file} not found.`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${file} is not valid JSON: ${err instanceof Error ? err.message : err}`);
  }
}

/** @param {string} dir the folder with project.config.json */
function loadProject(dir) {
  const configPath = path.join(dir, 'project.config.json');
  const config = readJson(configPath);
  if ((config.compileType || 'miniprogram') !== 'miniprogram') {
    throw new UsageError(
      `${configPath}: compileType is ${config.compileType}, these scripts handle a miniprogram.`,
    );
  }
  const miniprogramRoot = path.resolve(dir, config.miniprogramRoot || '');
  if (!fs.existsSync(path.join(miniprogramRoot, 'app.json'))) {
    throw new UsageError(`${configPath}: miniprogramRoot ${config.miniprogramRoot} has no app.json.`);
  }
  return {
    dir,
    config,
    miniprogramRoot,
    /** @type {string | undefined} */
    cloudfunctionRoot: config.cloudfunctionRoot ? path.resolve(dir, config.cloudfunctionRoot) : undefined,
    /** @type {{ ignore: Array<{ type: string, value: string }>, include: Array<{ type: string, value: string }> }} */
    packOptions: { ignore: config.packOptions?.ignore || [], include: config.packOptions?.include || [] },
  };
}

/** @typedef {ReturnType<typeof loadProject>} Project */

/**
 * Every file under dir, sorted.
 * @param {string} dir
 * @returns {FileEntry[]}
 */
function listFiles(dir, prefix = '') {
  if (!fs.existsSync(dir)) return [];
  /** @type {FileEntry[]} */
  const out = [];
  for (const entry of fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))) {
    if (NEVER_PACKED.has(entry.name)) continue;
    const rel = prefix + entry.name;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full, `${rel}/`));
    else if (entry.isFile()) {
      const stat = fs.statSync(full);
      out.push({ path: rel, size: stat.size, mtimeMs: stat.mtimeMs });
    }
  }
  return out;
}

/**
 * The file types miniprogram-ci packs for a mini-program (its MiniProgramWhiteList, 2.1.42; the upload refreshes
 * the list from WeChat's server). Other files (.map, .d.ts, .md…) stay behind.
 */
const PACKED_EXTS = new Set(
  '.wxml .wxss .wxs .png .jpg .jpeg .gif .svg .js .json .cer .mp3 .aac .m4a .mp4 .wav .ogg .silk .wasm .br .cur .ico .skel .crt .cert'.split(
    ' ',
  ),
);
/** The sources each compiler plugin of setting.useCompilerPlugins compiles at upload (to .js, .wxss). */
const PLUGIN_SOURCES = { typescript: ['.ts'], less: ['.less'], sass: ['.scss', '.sass'] };

/**
 * Whether a file is a source of one of the project's compiler plugins (our .ts files), which miniprogram-ci's
 * offline code analysis does not count.
 * @param {Project} project
 * @param {string} file
 */
function isPluginSource(project, file) {
  /** @type {string[]} */
  const plugins = project.config.setting?.useCompilerPlugins || [];
  const exts = plugins.flatMap(
    (plugin) => PLUGIN_SOURCES[/** @type {keyof PLUGIN_SOURCES} */ (plugin)] || [],
  );
  return !file.endsWith('.d.ts') && exts.includes(path.extname(file));
}

/**
 * The files of the miniprogramRoot that miniprogram-ci packs: the packed file types and the compiler plugins'
 * sources, packOptions.ignore removed, packOptions.include kept (miniprogram-ci's own matching: paths relative to
 * the miniprogramRoot, case-insensitive).
 * @param {Project} project
 */
function packedFiles(project) {
  const { packOptionsHelper } = require('miniprogram-ci');
  const { ignore, include } = project.packOptions;
  return listFiles(project.miniprogramRoot).filter(
    (file) =>
      (PACKED_EXTS.has(path.extname(file.path).toLowerCase()) || isPluginSource(project, file.path)) &&
      (packOptionsHelper.isFileIncluded(file.path, include) ||
        !packOptionsHelper.isFileIgnored(file.path, ignore)),
  );
}

/**
 * Where packNpmManually puts the npm packages (setting.packNpmRelationList) and which are missing there.
 * @param {Project} project
 */
function packedNpm(project) {
  /** @type {Array<{ packageJsonPath: string, miniprogramNpmDistDir: string }>} */
  const relations = project.config.setting?.packNpmRelationList || [];
  return relations.map((relation) => {
    const packageJson = readJson(path.resolve(project.dir, relation.packageJsonPath));
    const dir = path.resolve(project.dir, relation.miniprogramNpmDistDir, 'miniprogram_npm');
    const expected = Object.keys(packageJson.dependencies || {});
    return { dir, expected, missing: expected.filter((name) => !fs.existsSync(path.join(dir, name))) };
  });
}

/**
 * The components our pages and components name (usingComponents) that would not be uploaded: TDesign not packed
 * into miniprogram_npm, or not copied into a subpackage's (npm run build does both), a misspelt path.
 * @param {Project} project
 * @param {Set<string>} [packed] the paths packedFiles() keeps
 */
function missingComponents(project, packed = new Set(packedFiles(project).map((file) => file.path))) {
  /** @type {string[]} */
  const problems = [];
  for (const file of packed) {
    if (!file.endsWith('.json') || file.split('/').includes('miniprogram_npm')) continue;
    const base = file.slice(0, -'.json'.length);
    if (file !== 'app.json' && !packed.has(`${base}.wxml`)) continue;
    let using;
    try {
      using = JSON.parse(fs.readFileSync(path.join(project.miniprogramRoot, file), 'utf8')).usingComponents;
    } catch {
      continue;
    }
    for (const ref of Object.values(using || {})) {
      if (typeof ref !== 'string' || ref.startsWith('plugin://')) continue;
      const candidates = ref.startsWith('/')
        ? [ref.slice(1)]
        : ref.startsWith('.')
          ? [path.posix.join(path.posix.dirname(file), ref)]
          : // relative, or an npm name: the nearest miniprogram_npm, from the file's folder up
            [path.posix.join(path.posix.dirname(file), ref)].concat(
              path.posix
                .dirname(file)
                .split('/')
                .map((_, i, parts) =>
                  path.posix.join(...parts.slice(0, parts.length - i), 'miniprogram_npm', ref),
                ),
              path.posix.join('miniprogram_npm', ref),
            );
      if (!candidates.some((candidate) => packed.has(`${candidate}.json`))) {
        problems.push(`${file} uses ${ref}, which is not there: run npm run build (it packs the npm)`);
      }
    }
  }
  return problems;
}

/**
 * The main package and the subpackages of app.json, with their roots ('' for the main package).
 * @param {Project} project
 */
function packagesOf(project) {
  const app = readJson(path.join(project.miniprogramRoot, 'app.json'));
  /** @type {Array<{ root: string, name?: string, pages?: string[] }>} */
  const subpackages = app.subpackages || app.subPackages || [];
  return [
    { name: 'main', root: '', pages: /** @type {string[]} */ (app.pages || []) },
    ...subpackages.map((sub) => {
      const root = sub.root.replace(/^\/+|\/+$/g, '');
      return { name: sub.name || root, root, pages: (sub.pages || []).map((page) => `${root}/${page}`) };
    }),
  ];
}

/**
 * Which package a file of the miniprogramRoot belongs to: the subpackage whose root contains it, else main.
 * @template {{ root: string }} T
 * @param {T[]} packages the main package first
 * @param {string} file
 * @returns {T}
 */
function packageOfFile(packages, file) {
  return packages.find((pkg) => pkg.root && file.startsWith(`${pkg.root}/`)) || packages[0];
}

/** Bytes as WeChat writes sizes: 1 KB = 1024 B, 1 MB = 1024 KB. */
function formatBytes(/** @type {number} */ bytes) {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} B`;
}

/** "1 file", "3 files". */
function count(/** @type {number} */ n, /** @type {string} */ noun) {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * A plain text table; columns listed in `right` are right-aligned.
 * @param {string[][]} rows the first row is the header
 * @param {number[]} right
 */
function table(rows, right = []) {
  const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => row[col].length)));
  return rows
    .map((row) =>
      row
        .map((cell, col) => (right.includes(col) ? cell.padStart(widths[col]) : cell.padEnd(widths[col])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/**
 * miniprogram-ci's project for real uploads: the appid and the key from the environment, never from the repo.
 * @param {{ appid: string, keyPath: string }} env
 * @param {string} dir
 */
function ciProject(env, dir) {
  const ci = require('miniprogram-ci');
  return new ci.Project({
    appid: env.appid,
    type: 'miniProgram',
    projectPath: dir,
    privateKeyPath: env.keyPath,
    ignores: ['node_modules/**/*'],
  });
}

module.exports = {
  ciProject,
  readJson,
  loadProject,
  listFiles,
  isPluginSource,
  packedFiles,
  packedNpm,
  missingComponents,
  packagesOf,
  packageOfFile,
  formatBytes,
  count,
  table,
};
