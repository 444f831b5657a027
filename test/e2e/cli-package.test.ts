// The packed tailgate command: apps/cli/scripts/pack.mjs builds one self-contained tarball with no
// dependencies; installed offline into an empty prefix and run outside the repository (so nothing
// of its node_modules can be found), it prints its version, formats stdin, renders the RBAC of the
// shipped manifests and runs the demo gateway, which the packed `tailgate logs` then reads.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '../..');

describe('the packed tailgate CLI', () => {
  let dir: string;
  let tailgate: string;
  let env: NodeJS.ProcessEnv;
  const children: ChildProcess[] = [];

  /** Runs the installed command to its end, from a directory outside the repository. */
  const run = (args: readonly string[], input?: string) =>
    spawnSync(tailgate, args, { cwd: dir, env, input: input ?? '', encoding: 'utf8', timeout: 20_000 });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tailgate-cli-package-'));
    const packed = spawnSync(process.execPath, [join(ROOT, 'apps/cli/scripts/pack.mjs'), '--out', join(dir, 'out')], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(packed.status, packed.stderr).toBe(0);
    const tarball = packed.stdout.trim();
    const prefix = join(dir, 'prefix');
    mkdirSync(join(prefix, 'lib'), { recursive: true });
    const npmEnv = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
    const installed = spawnSync('npm', ['install', '-g', '--prefix', prefix, '--offline', tarball], { encoding: 'utf8', env: npmEnv });
    expect(installed.status, installed.stderr).toBe(0);
    tailgate = join(prefix, 'bin', 'tailgate');
    env = { PATH: process.env.PATH, HOME: dir };
  }, 240_000);

  afterAll(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is one file with no dependencies', () => {
    const pkg = JSON.parse(readFileSync(join(dir, 'prefix/lib/node_modules/@tailgate/cli/package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(pkg.dependencies).toBeUndefined();
    expect(pkg.bin).toEqual({ tailgate: 'dist/tailgate.js' });
  });

  it('prints its version', () => {
    const result = run(['--version']);
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(
      (JSON.parse(readFileSync(join(ROOT, 'apps/cli/package.json'), 'utf8')) as { version: string }).version,
    );
  });

  it('formats lines from stdin', () => {
    const result = run(['logs', '--stdin', '--output', 'raw'], 'first line\nsecond line\n');
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe('first line\nsecond line\n');
  });

  it('renders the RBAC of the shipped manifests, as npm run k8s:rbac does', () => {
    const result = run(['rbac']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe(readFileSync(join(ROOT, 'k8s/rbac.yaml'), 'utf8'));
  });

  it('exits with the usage code on an unknown flag', () => {
    expect(run(['--no-such-flag']).status).toBe(2);
  });

  it('runs the demo gateway until SIGTERM, and its own sources and logs commands read from it', async () => {
    const serve = started(spawn(tailgate, ['serve', '--demo', '--port', '0'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] }));
    const banner = await serve.output((out) => out.includes('Stop with Ctrl-C.'));
    const url = /demo at (http:\/\/127\.0\.0\.1:\d+)/.exec(banner)?.[1];
    const aliceToken = /alice\s+groups=\S+\s+token=(\S+)/.exec(banner)?.[1];
    expect(url).toBeDefined();
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    // The web UI travels in the package (dist/web) and the bundled gateway serves it, under its CSP.
    const ui = await fetch(`${url}/`);
    expect(ui.status).toBe(200);
    expect(ui.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await ui.text()).toContain('<div id="root"');

    const sources = spawnSync(tailgate, ['sources', '--server', url!, '--token', aliceToken!, '-o', 'json'], {
      cwd: dir,
      env,
      encoding: 'utf8',
    });
    expect(sources.status, sources.stderr).toBe(0);
    expect((JSON.parse(sources.stdout) as { id: string }[]).map((s) => s.id)).toEqual(['node-file.pods']);

    // alice (team-a) follows every namespace through the packed client: her team's lines arrive, team-b's never.
    const args = ['logs', '.', '--server', url!, '--token', aliceToken!, '-A', '--color', 'never'];
    const logs = started(spawn(tailgate, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] }));
    const printed = await logs.output((out) => out.split('\n').filter((line) => line.startsWith('team-a ')).length >= 2);
    expect(printed).not.toContain('team-b');
    logs.child.kill('SIGINT');
    await logs.exited;

    serve.child.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
  });

  /** A spawned command: its stdout awaited until a predicate holds, its exit awaited. */
  function started(child: ChildProcess & { stdout: NodeJS.ReadableStream }) {
    children.push(child);
    let out = '';
    const exited = new Promise<number | NodeJS.Signals | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
    return {
      child,
      exited,
      output: (done: (out: string) => boolean) =>
        new Promise<string>((resolve, reject) => {
          const check = (chunk: string): void => {
            out += chunk;
            if (done(out)) {
              child.stdout.off('data', check);
              resolve(out);
            }
          };
          child.stdout.setEncoding('utf8');
          child.stdout.on('data', check);
          void exited.then((code) => reject(new Error(`tailgate exited ${String(code)}: ${out}`)));
        }),
    };
  }
});
