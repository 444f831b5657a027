// Desktop mode through the `tailgate` command, as processes on the real apiserver: a user with
// rights in one namespace only runs `tailgate serve --kubeconfig …` and streams that namespace with
// the printed URL and token, and `tailgate logs --kubeconfig … --no-follow` prints it with no
// separately started server — never a pod of a namespace the user may not read, and no
// cluster-scope error on stderr.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { suffix, user } from '../cluster/src/fixtures';
import { type ClusterTestContext, connectToTestCluster } from '../cluster/src/test-context';
import { LogClient, seesTargets } from '../e2e/support/log-client';
import { userKubeconfig } from './src/user-kubeconfig';

const ROOT = join(__dirname, '../..');
const SECRET_LINE = 'the-other-namespace-must-never-show-this';
/** What a namespace-only user must not see on stderr: Kubetail's "forbidden at the cluster scope". */
const CLUSTER_SCOPE_NOISE = /forbidden|cluster scope|cannot list|403/i;

/** The tailgate command on the TypeScript sources, its output collected and awaitable. */
class CliProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | NodeJS.Signals>;
  private readonly waiters = new Set<() => void>();

  constructor(readonly child: ChildProcess) {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => this.append('stdout', chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => this.append('stderr', chunk));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
    void this.exited.then(() => this.notify());
  }

  static start(args: readonly string[], home: string): CliProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@tailgate/source', 'apps/cli/src/main.ts', ...args], {
      cwd: ROOT,
      // A HOME of its own: no config file or kubeconfig of the machine's user is read.
      env: { PATH: process.env.PATH, HOME: home, TSX_TSCONFIG_PATH: 'tsconfig.base.json' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const cli = new CliProcess(child);
    process.once('exit', () => cli.kill('SIGKILL'));
    return cli;
  }

  /** Resolves when stdout matches (with the match), rejects if the process exits first or time runs out. */
  async waitForOutput(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = this.stdout.match(pattern);
      if (match) return match;
      if (this.child.exitCode !== null) throw new Error(`tailgate exited ${this.child.exitCode} before ${pattern}: ${this.stderr}`);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`no ${pattern} in tailgate's output: ${this.stdout}\n${this.stderr}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, remaining);
        function done(): void {
          clearTimeout(timer);
          resolve();
        }
        this.waiters.add(done);
      });
    }
  }

  kill(signal: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }

  private append(stream: 'stdout' | 'stderr', chunk: string): void {
    this[stream] += chunk;
    this.notify();
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) {
      this.waiters.delete(waiter);
      waiter();
    }
  }
}

describe('tailgate serve and tailgate logs --kubeconfig for a namespace-only user', () => {
  let ctx: ClusterTestContext;
  let readable: string;
  let other: string;
  let kubeconfig: string;
  let home: string;
  const processes: CliProcess[] = [];
  const clients: LogClient[] = [];

  beforeAll(async () => {
    ctx = await connectToTestCluster(`tg-cli-${suffix()}`);
    readable = await ctx.fixtures.namespace('tg-cli');
    other = await ctx.fixtures.namespace('tg-cli-other');
    const rules = [
      { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
    ];
    await ctx.fixtures.grant(readable, 'dave-cli', rules, [user('dave')]);
    await ctx.fixtures.pod(readable, 'web', { containers: ['app'] });
    await ctx.fixtures.pod(other, 'vault', { containers: ['app'] });
    ctx.kubelet.container(readable, 'web', 'app').write('web history');
    ctx.kubelet.container(other, 'vault', 'app').write(SECRET_LINE);
    home = mkdtempSync(join(tmpdir(), 'tailgate-cli-serve-'));
    kubeconfig = join(home, 'dave.kubeconfig');
    writeFileSync(kubeconfig, JSON.stringify(userKubeconfig(ctx, 'dave', ctx.cluster.users['dave']!.token, readable)), { mode: 0o600 });
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    for (const cli of processes) cli.kill('SIGKILL');
    await ctx?.stop();
  });

  it('serves the readable namespace with the printed URL and token, and stops cleanly on SIGINT', async () => {
    const serve = CliProcess.start(['serve', '--kubeconfig', kubeconfig], home);
    processes.push(serve);
    const [, url] = await serve.waitForOutput(/desktop gateway at (http:\/\/127\.0\.0\.1:\d+)/);
    const [, token] = await serve.waitForOutput(/^ {2}token: +(\S+)$/m);
    await serve.waitForOutput(/Stop with Ctrl-C/);
    expect(serve.stdout.split('\n').filter((line) => line.startsWith('  watching:'))).toEqual([`  watching:   ${readable}`]);

    // Every event is checked against what dave may read: nothing of the other namespace, ever.
    const sees = seesTargets(
      (target) => target.ns === readable,
      () => [SECRET_LINE],
    );
    const client = await LogClient.connect(url!, { token: token!, sees });
    clients.push(client);
    const ack = await client.subscribe({ source: 'kube-pod-logs.pods', selector: { namespaces: [readable] }, tail: 10 });
    expect(ack.ok, JSON.stringify(ack)).toBe(true);
    await client
      .waitFor(() => client.lines().includes('web history'), 'the backlog of web')
      .catch((error: unknown) => {
        throw new Error(`${String(error)}; targets ${JSON.stringify(client.targets)}; stderr: ${serve.stderr}`);
      });
    ctx.kubelet.container(readable, 'web', 'app').write('web live');
    await client.waitFor(() => client.lines().includes('web live'), 'a live line of web');
    expect(client.targets.map((t) => `${t.target.ns}/${t.target.pod}`)).toEqual([`${readable}/web`]);
    expect(client.violations).toEqual([]);

    serve.kill('SIGINT');
    expect(await serve.exited).toBe(0);
    expect(serve.stderr).not.toMatch(CLUSTER_SCOPE_NOISE);
    expect(serve.stderr).not.toContain(token);
    expect(serve.stdout).not.toContain(other);
  });

  it('prints the namespace’s lines with an embedded gateway and exits 0 (--no-follow)', async () => {
    const logs = CliProcess.start(['logs', '.', '--kubeconfig', kubeconfig, '-n', readable, '--no-follow', '--output', 'raw'], home);
    processes.push(logs);
    expect(await logs.exited, logs.stderr).toBe(0);
    expect(logs.stdout.split('\n')).toContain('web history');
    expect(logs.stdout).not.toContain(SECRET_LINE);
    expect(logs.stderr).not.toMatch(CLUSTER_SCOPE_NOISE);
  });

  it('reads the namespaces the user may read when no -n is given, without cluster-scope errors', async () => {
    const logs = CliProcess.start(['logs', '.', '--kubeconfig', kubeconfig, '--no-follow', '--output', 'raw'], home);
    processes.push(logs);
    expect(await logs.exited, logs.stderr).toBe(0);
    expect(logs.stdout.split('\n')).toContain('web history');
    expect(logs.stdout).not.toContain(SECRET_LINE);
    expect(logs.stderr).not.toMatch(CLUSTER_SCOPE_NOISE);
    expect(`${logs.stdout}${logs.stderr}`).not.toContain('vault');
  });

  it('never shows a pod of a namespace the user may not read, even when asked for it by name', async () => {
    const logs = CliProcess.start(['logs', '.', '--kubeconfig', kubeconfig, '-n', other, '--no-follow', '--output', 'raw'], home);
    processes.push(logs);
    // Refused (the user may not read there): an error exit, and nothing of the namespace.
    expect(await logs.exited).not.toBe(0);
    expect(logs.stdout).not.toContain(SECRET_LINE);
    expect(`${logs.stdout}${logs.stderr}`).not.toContain('vault');
  });
});
