// The image without a container engine: the Dockerfile's build steps are the repository's own
// (npm ci, package.json's build script — the one setup.sh runs — then prune), its runtime tree
// covers every workspace's package.json and dist, its entry point maps each component to the file
// `npm run build` writes for that app's main.ts, the chart runs exactly those roles, it runs as a
// numeric non-root user, and nothing built on the host is sent to the build.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import { describe, expect, it } from 'vitest';

import { execForm, parseDockerfile, runCommands } from './dockerfile';

const ROOT = join(__dirname, '../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const rootPackage = JSON.parse(read('package.json')) as { scripts: Record<string, string>; workspaces: string[] };
const instructions = parseDockerfile(read('Dockerfile'));
const finalStage = Math.max(...instructions.map((i) => i.stage));
const buildCommands = runCommands(instructions, 0);
const ENTRYPOINT_SCRIPT = 'scripts/tailgate-entrypoint.sh';

/** role → the file its case arm runs, relative to the app root. */
function entrypointRoles(): Map<string, string> {
  const roles = new Map<string, string>();
  for (const match of read(ENTRYPOINT_SCRIPT).matchAll(/^\s*([a-z]+)\) exec node "\$root\/([^"]+)" "\$@" ;;$/gm)) {
    roles.set(match[1] ?? '', match[2] ?? '');
  }
  return roles;
}

describe('Dockerfile', () => {
  it('builds as the repository builds: npm ci, then npm run build (package.json build, as setup.sh), then prunes dev dependencies', () => {
    expect(instructions[0]).toMatchObject({ keyword: 'ARG', stage: -1 });
    const steps = buildCommands.filter((command) => command.startsWith('npm '));
    expect(steps).toEqual(['npm ci --no-audit --no-fund', 'npm run build', 'npm prune --omit=dev --no-audit --no-fund']);
    expect(rootPackage.scripts.build).toContain('tsc -b tsconfig.json');
    expect(rootPackage.scripts.build).toContain('-w @tailgate/web');
    expect(read('scripts/setup.sh')).toMatch(/^npm run build\b/m);
    // The whole context goes in: the build needs every workspace's sources and the lock file.
    expect(instructions.find((i) => i.keyword === 'COPY' && i.stage === 0)?.args).toBe('. .');
  });

  it('copies into the runtime tree each workspace package.json, dist and node_modules, for exactly the workspaces of package.json', () => {
    const loop = /for dir in .+?; done/.exec(buildCommands.join(' && '))?.[0];
    const globs = /^for dir in (.+?); do/.exec(loop ?? '')?.[1]?.split(' ');
    expect(globs?.sort()).toEqual([...rootPackage.workspaces].sort());
    expect(loop).toContain('cp "$dir/package.json" "/runtime/$dir/"');
    expect(loop).toContain('cp -R "$dir/dist" "/runtime/$dir/"');
    expect(loop).toContain('cp -R "$dir/node_modules" "/runtime/$dir/"');
    expect(buildCommands).toContain('cp -R node_modules /runtime/node_modules');
    expect(buildCommands).toContain('cp package.json package-lock.json /runtime/');
    expect(buildCommands).toContain(`install -m 0755 ${ENTRYPOINT_SCRIPT} /runtime/bin/tailgate-entrypoint`);
  });

  it('ships only the runtime tree, as a numeric non-root user, with tailgate-entrypoint as entry point and the gateway by default', () => {
    const final = instructions.filter((i) => i.stage === finalStage);
    expect(final.filter((i) => i.keyword === 'COPY').map((i) => i.args)).toEqual(['--from=build /runtime/ /app/']);
    expect(final.find((i) => i.keyword === 'USER')?.args).toBe('10001:10001');
    expect(final.find((i) => i.keyword === 'RUN')).toBeUndefined();
    expect(execForm(final.find((i) => i.keyword === 'ENTRYPOINT')?.args ?? '')).toEqual(['/app/bin/tailgate-entrypoint']);
    expect(execForm(final.find((i) => i.keyword === 'CMD')?.args ?? '')).toEqual(['gateway']);
    const chartValues = read('k8s/helm/tailgate/values.yaml');
    expect(chartValues).toMatch(/runAsUser: 10001\n\s+runAsGroup: 10001/);
  });

  it('every workspace is loaded from its dist: main and exports point only into dist/', () => {
    for (const pattern of rootPackage.workspaces) {
      const base = pattern.replace(/\/\*$/, '');
      for (const dir of readdirDirs(base)) {
        const pkg = JSON.parse(read(`${dir}/package.json`)) as { main?: string; exports?: unknown };
        const targets = [pkg.main, ...exportTargets(pkg.exports)].filter((t): t is string => t !== undefined);
        for (const target of targets) expect(target, `${dir}: ${target}`).toMatch(/^\.\/dist\//);
      }
    }
  });

  it('maps gateway, agent and worker to the main.js npm run build writes for each app main.ts', () => {
    const roles = entrypointRoles();
    expect([...roles.keys()].sort()).toEqual(['agent', 'gateway', 'worker']);
    for (const [role, file] of roles) {
      const app = `apps/${role}`;
      expect(file).toBe(`${app}/dist/main.js`);
      expect(existsSync(join(ROOT, app, 'src', 'main.ts')), `${app}/src/main.ts`).toBe(true);
      const tsconfig = JSON.parse(read(`${app}/tsconfig.json`)) as { compilerOptions: { rootDir: string; outDir: string } };
      expect(tsconfig.compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'dist' });
      expect(rootPackage.workspaces).toContain('apps/*');
      expect(read('tsconfig.json')).toContain(`"path": "${app}"`);
      expect((JSON.parse(read(`${app}/package.json`)) as { main: string }).main).toBe('./dist/main.js');
    }
  });

  it('its entry point refuses an unknown role with a usage line and exit code 64', () => {
    const run = spawnSync('sh', [join(ROOT, ENTRYPOINT_SCRIPT), 'shell'], { encoding: 'utf8' });
    expect(run.status).toBe(64);
    expect(run.stderr).toBe('usage: tailgate-entrypoint gateway|agent|worker [flags]\n');
    expect(run.stdout).toBe('');
  });

  it('the chart runs each component as its role of the entry point', () => {
    const templates = (name: string) => read(`k8s/helm/tailgate/templates/${name}`);
    expect(templates('gateway.yaml')).toContain('args: [gateway]');
    expect(templates('agent.yaml')).toMatch(/args:\n\s+- agent\n/);
    expect(templates('worker.yaml')).toContain('args: [worker]');
  });

  it('.dockerignore keeps node_modules, dist, build info and .git out of the build context', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', '**/node_modules', 'dist', '**/dist', '**/*.tsbuildinfo', '.git']));
    // The build needs its sources and scripts: neither is ignored.
    for (const needed of ['apps', 'libs', 'plugins', 'scripts', 'package-lock.json']) expect(ignored).not.toContain(needed);
  });
});

function readdirDirs(base: string): string[] {
  return readdirSync(join(ROOT, base), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(ROOT, base, entry.name, 'package.json')))
    .map((entry) => relative(ROOT, join(ROOT, base, entry.name)));
}

/** Every path string an `exports` field names, except the source condition tests resolve to. */
function exportTargets(exports: unknown): string[] {
  if (typeof exports === 'string') return [exports];
  if (typeof exports !== 'object' || exports === null) return [];
  return Object.entries(exports).flatMap(([key, value]) => (key === '@tailgate/source' ? [] : exportTargets(value)));
}
