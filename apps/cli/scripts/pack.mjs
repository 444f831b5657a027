#!/usr/bin/env node
// Packs the tailgate command as one self-contained npm tarball: builds the workspace (tsc), bundles
// apps/cli/dist/main.js and everything it imports — the gateway, NestJS, the plugins, the
// Kubernetes client — into dist/tailgate.js with esbuild, and runs `npm pack` on a staging package
// whose package.json has no dependencies at all. Install it anywhere, offline:
//
//   node apps/cli/scripts/pack.mjs [--out <dir>] [--skip-build]
//   npm install -g ./apps/cli/dist/pack/tailgate-cli-<version>.tgz
//
// The bundle is made from tsc's output, not the TypeScript sources: tsc emits the decorator
// metadata NestJS reads (esbuild does not), and the packages resolve to their dist/ files.
// Prints the tarball's path on stdout.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import process from 'node:process';
import { parseArgs } from 'node:util';

import { build } from 'esbuild';

const CLI_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const REPO = resolve(CLI_DIR, '../..');
const require = createRequire(import.meta.url);

/**
 * Left out of the bundle: packages required only inside try/catch or by features Tailgate does not
 * use — NestJS's optional microservices and validation packages, ws's native speed-ups. Each is
 * loaded (and found missing) only if that feature is asked for.
 */
const OPTIONAL_EXTERNALS = [
  '@nestjs/microservices',
  '@nestjs/microservices/*',
  'class-transformer',
  'class-validator',
  'bufferutil',
  'utf-8-validate',
];

const { values: args } = parseArgs({
  options: { out: { type: 'string', default: join(CLI_DIR, 'dist', 'pack') }, 'skip-build': { type: 'boolean', default: false } },
});

const log = (text) => process.stderr.write(`pack-cli: ${text}\n`);

function run(command, commandArgs, cwd) {
  const result = spawnSync(command, commandArgs, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${[command, ...commandArgs].join(' ')} exited ${result.status ?? result.signal}`);
  return result.stdout;
}

/** The workspace packages' builds, apps/cli's references included (incremental: fast when built). */
function buildWorkspace() {
  log('building with tsc -b apps/cli');
  run(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', join(CLI_DIR, 'tsconfig.json')], REPO);
  log('building the web UI');
  run('npm', ['run', 'build', '--silent', '-w', '@tailgate/web'], REPO);
}

async function bundle(stage) {
  log('bundling dist/main.js with esbuild');
  const result = await build({
    absWorkingDir: REPO,
    entryPoints: [join(CLI_DIR, 'dist', 'main.js')],
    outfile: join(stage, 'dist', 'tailgate.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: OPTIONAL_EXTERNALS,
    minify: true,
    // NestJS and the error mapping read class names; minifying must not rename them.
    keepNames: true,
    legalComments: 'none',
    metafile: true,
    logLevel: 'error',
  });
  return result.metafile;
}

/** Third-party packages inside the web UI's build (zod and socket.io-client come in the CLI bundle too). */
const WEB_UI_PACKAGES = ['react', 'react-dom', 'scheduler'];

/** The license text of every third-party package in the bundle, next to it (their licenses ask for it). */
function thirdPartyLicenses(metafile) {
  const packages = new Map();
  for (const input of Object.keys(metafile.inputs)) {
    const path = resolve(REPO, input);
    const parts = relative(REPO, path).split(sep);
    const at = parts.lastIndexOf('node_modules');
    if (at < 0) continue;
    const nameParts = parts[at + 1]?.startsWith('@') ? parts.slice(at + 1, at + 3) : parts.slice(at + 1, at + 2);
    const dir = join(REPO, ...parts.slice(0, at + 1), ...nameParts);
    // Workspace packages are linked into node_modules; they are ours, under the repository's license.
    if (nameParts[0] === '@tailgate') continue;
    packages.set(dir, nameParts.join('/'));
  }
  // The web UI's build (dist/web) is Vite's, not esbuild's: its runtime packages are named here.
  for (const name of WEB_UI_PACKAGES)
    packages.set(dirname(require.resolve(`${name}/package.json`, { paths: [join(REPO, 'apps', 'web')] })), name);
  const sections = [...packages].sort(([, a], [, b]) => a.localeCompare(b)).map(([dir, name]) => licenseSection(dir, name));
  return `Third-party software bundled in dist/tailgate.js and dist/web\n\n${sections.join('\n')}`;
}

function licenseSection(dir, name) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const file = ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'license', 'LICENCE', 'LICENSE-MIT'].map((f) => join(dir, f)).find(existsSync);
  const text = file === undefined ? '(no license file in the package)' : readFileSync(file, 'utf8').trim();
  return `=== ${name}@${pkg.version} (${typeof pkg.license === 'string' ? pkg.license : 'see text'})\n\n${text}\n`;
}

function stagePackage(stage, metafile) {
  const cli = JSON.parse(readFileSync(join(CLI_DIR, 'package.json'), 'utf8'));
  const root = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
  // `tailgate rbac` without --config renders the deployment manifest's configuration.
  mkdirSync(join(stage, 'k8s'), { recursive: true });
  cpSync(join(REPO, 'k8s', 'tailgate.yaml'), join(stage, 'k8s', 'tailgate.yaml'));
  // The web UI's build, where the bundled gateway looks for it: beside dist/tailgate.js (apps/gateway/src/http/web-ui-dir.ts).
  const webDist = join(REPO, 'apps', 'web', 'dist');
  if (!existsSync(join(webDist, 'index.html'))) throw new Error('apps/web/dist/index.html is missing: npm run build -w @tailgate/web');
  cpSync(webDist, join(stage, 'dist', 'web'), { recursive: true });
  writeFileSync(join(stage, 'THIRD_PARTY_LICENSES.txt'), thirdPartyLicenses(metafile));
  writeFileSync(
    join(stage, 'README.md'),
    `# tailgate\n\n${cli.description}\n\nOne self-contained file; Node.js ${root.engines.node}. See docs/cli.md in the Tailgate repository.\n`,
  );
  const pkg = {
    name: cli.name,
    version: cli.version,
    description: cli.description,
    license: cli.license,
    engines: root.engines,
    bin: { tailgate: 'dist/tailgate.js' },
    files: ['dist/tailgate.js', 'dist/web', 'k8s/tailgate.yaml', 'THIRD_PARTY_LICENSES.txt', 'README.md'],
  };
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
}

async function main() {
  if (!args['skip-build']) buildWorkspace();
  const stage = mkdtempSync(join(tmpdir(), 'tailgate-cli-pack-'));
  try {
    const metafile = await bundle(stage);
    stagePackage(stage, metafile);
    const out = resolve(args.out);
    mkdirSync(out, { recursive: true });
    log('npm pack');
    const [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', out], stage));
    process.stdout.write(`${join(out, packed.filename)}\n`);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

main().catch((error) => {
  log(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
