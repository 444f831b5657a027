// `tailgate logs` end to end on the real apiserver: the CLI as a process, signed in to a gateway
// with kube-token and judged by kube-rbac, reading the `kube-pod-logs.pods` source through the
// kubelet stand-in. Output is compared exactly for each -o format, a template, colours on and off,
// timestamps in a time zone; the query forms only this source serves (pod regular expression,
// labels, a Deployment through its ReplicaSet, container kinds, previous instances) and the
// container filters; the +/- lines while following; the notices on stderr and the exit codes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { EXIT_CODES } from '../../apps/cli/src/exit-codes';
import type { RunningGateway } from '../../apps/gateway/src/start-gateway';
import { suffix, user } from '../cluster/src/fixtures';
import { type ClusterTestContext, connectToTestCluster } from '../cluster/src/test-context';
import { type CliResult, type CliRun, runCli, startCli } from '../e2e/support/cli-process';
import { startClusterGateway } from './src/cluster-gateway';
import { grantGatewayIdentity, grantPodLogsSource } from './src/gateway-kube';

const HOUR = 3_600_000;
// Whole hours, one to two hours ago: inside the default --since (24 h), and easy to read in Tokyo.
const BASE = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
/** The kubelet's timestamp of the line written at `second`: its nanoseconds say which second it was. */
const ts = (second: number) => `${new Date(BASE + second * 1000).toISOString().slice(0, 19)}.${String(second).padStart(9, '0')}Z`;

const JSON_LINE = '{"level":"error","msg":"payment <failed>"}';
const SECRET = 'vault-line-bob-must-never-see';
const STRAY = 'a-pod-with-the-labels-but-no-owner';

// stern's colour of a pod is an FNV-1 hash of its name: web-1 gets the fourth pair (yellow), web-2 the first (cyan).
const sgr = (code: string) => (text: string) => `\x1b[${code}m${text}\x1b[0m`;
const COLOR = {
  'web-1': { pod: sgr('93'), container: sgr('33') },
  'web-2': { pod: sgr('96'), container: sgr('36') },
};
const HIGHLIGHT = sgr('31;1');
const STARTED = sgr('92;1');

/** What each container wrote, by second: the backlog order across containers is the time order. */
const WEB_LINES = [
  { second: 1, pod: 'web-1', container: 'setup', line: 'migrations applied' },
  { second: 2, pod: 'web-1', container: 'app', line: 'GET /orders 200' },
  { second: 3, pod: 'web-1', container: 'sidecar', line: 'proxy ready' },
  { second: 4, pod: 'web-1', container: 'app', line: JSON_LINE },
  { second: 5, pod: 'web-2', container: 'app', line: 'GET /cart 200' },
  { second: 6, pod: 'web-1', container: 'app', line: 'GET /health 200' },
] as const;
type WebLine = (typeof WEB_LINES)[number];
/** The web containers in the order of their first line, which is the order of their + lines. */
const WEB_CONTAINERS = [
  ['web-1', 'setup'],
  ['web-1', 'app'],
  ['web-1', 'sidecar'],
  ['web-2', 'app'],
] as const;
const MARKERS = WEB_CONTAINERS.map(([pod, c]) => `+ ${pod} › ${c}\n`).join('');

const POD_LOG = { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] };
const LIST_PODS = { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] };

describe('tailgate logs on the kube-pod-logs source', () => {
  let ctx: ClusterTestContext;
  let ns: string;
  let gw: RunningGateway;
  let home: string;
  let apiPod: string;
  const running: CliRun[] = [];

  const tokenOf = (name: string) => ctx.cluster.users[name]!.token;
  const cli = (name: string, args: readonly string[]): Promise<CliResult> =>
    runCli(['logs', ...args, '--server', gw.url, '--token', tokenOf(name)], { home });
  /** carol may read every pod of the namespace; a one-shot read of it. */
  const backlog = (args: readonly string[]) => cli('carol', ['-n', ns, '--no-follow', ...args]);
  const web = (lines: readonly WebLine[], render: (l: WebLine) => string) => lines.map((l) => `${render(l)}\n`).join('');

  beforeAll(async () => {
    ctx = await connectToTestCluster(`tg-clik-${suffix()}`);
    await grantGatewayIdentity(ctx);
    await grantPodLogsSource(ctx);
    ns = await ctx.fixtures.namespace('tg-clik');
    await ctx.fixtures.grant(ns, 'carol-reads-all', [POD_LOG, LIST_PODS], [user('carol')]);
    // bob may list the pods but read only the web pods' logs: vault is named to him as denied.
    await ctx.fixtures.grant(ns, 'bob-reads-web', [LIST_PODS, { ...POD_LOG, resourceNames: ['web-1', 'web-2'] }], [user('bob')]);

    await ctx.fixtures.pod(ns, 'web-1', { labels: { app: 'web' }, initContainers: ['setup'], containers: ['app', 'sidecar'] });
    await ctx.fixtures.pod(ns, 'web-2', { labels: { app: 'web' } });
    await ctx.fixtures.pod(ns, 'worker', { labels: { app: 'worker' } });
    await ctx.fixtures.pod(ns, 'vault', { labels: { app: 'web', tier: 'secret' } });
    await ctx.fixtures.pod(ns, 'tools', { containers: ['app', 'debug', 'sidecar'] });
    const api = await ctx.fixtures.deployment(ns, 'api');
    apiPod = api.pods[0]!.metadata.name;
    // Same labels as the Deployment's pods, owned by nothing: the selector alone would take it.
    await ctx.fixtures.pod(ns, 'api-stray', { labels: api.pods[0]!.metadata.labels ?? {} });

    for (const { second, pod, container, line } of WEB_LINES) ctx.kubelet.container(ns, pod, container).write(line, { ts: ts(second) });
    const worker = ctx.kubelet.container(ns, 'worker', 'app');
    worker.write('worker run 1', { ts: ts(7) });
    worker.restart(2);
    worker.write('worker run 2', { ts: ts(8) });
    await ctx.fixtures.reportStatus(ns, 'worker');
    ctx.kubelet.container(ns, 'vault', 'app').write(SECRET, { ts: ts(9) });
    ctx.kubelet.container(ns, apiPod, 'app').write('api up', { ts: ts(10) });
    ctx.kubelet.container(ns, 'api-stray', 'app').write(STRAY, { ts: ts(11) });
    for (const [second, container] of [
      [12, 'app'],
      [13, 'debug'],
      [14, 'sidecar'],
    ] as const) {
      ctx.kubelet.container(ns, 'tools', container).write(`tools ${container}`, { ts: ts(second) });
    }

    home = mkdtempSync(join(tmpdir(), 'tailgate-cli-kube-'));
    gw = await startClusterGateway(ctx, { plugins: { 'kube-pod-logs': { retryMinMs: 50, retryMaxMs: 500, deletionDrainMs: 300 } } });
  });

  afterAll(async () => {
    for (const run of running) run.child.kill('SIGKILL');
    await gw?.close();
    await ctx?.stop();
    if (home !== undefined) rmSync(home, { recursive: true, force: true });
  });

  describe.concurrent('one-shot runs (--no-follow)', () => {
    describe('output formats', () => {
      it('default with --color never: pod, container and line, oldest first across pods; a + line per container on stderr', async () => {
        const result = await backlog(['web', '--color', 'never']);
        expect(result.stdout).toBe(web(WEB_LINES, (l) => `${l.pod} ${l.container} ${l.line}`));
        expect(result.stderr).toBe(MARKERS);
        expect(result.code).toBe(0);
      });

      it('default with --color always: each pod in its stern colour, its containers in the darker shade, also on the + lines', async () => {
        const result = await backlog(['web', '--color', 'always']);
        expect(result.stdout).toBe(web(WEB_LINES, (l) => `${COLOR[l.pod].pod(l.pod)} ${COLOR[l.pod].container(l.container)} ${l.line}`));
        expect(result.stderr).toBe(
          WEB_CONTAINERS.map(([pod, c]) => `${STARTED('+')} ${COLOR[pod].pod(pod)} › ${COLOR[pod].container(c)}\n`).join(''),
        );
      });

      it('json (with the node the apiserver scheduled the pod on) and extjson (a JSON line embedded as JSON)', async () => {
        const [json, extjson] = await Promise.all(['json', 'extjson'].map((o) => backlog(['web', '-o', o, '--only-log-lines'])));
        expect(json!.stdout).toBe(
          web(
            WEB_LINES,
            (l) =>
              `{"message":${goJson(l.line)},"nodeName":"${ctx.kubelet.nodeName}","namespace":"${ns}","podName":"${l.pod}",` +
              `"containerName":"${l.container}","timestamp":"${ts(l.second)}","stream":"stdout"}`,
          ),
        );
        expect(extjson!.stdout).toBe(
          web(
            WEB_LINES,
            (l) =>
              `{"pod": "${l.pod}", "container": "${l.container}", "message": ${l.line === JSON_LINE ? JSON_LINE : JSON.stringify(l.line)}}`,
          ),
        );
        for (const result of [json, extjson]) expect([result!.stderr, result!.code]).toEqual(['', 0]);
      });

      it('a template with a JSON helper, a level colour and the node name', async () => {
        const template =
          '{{.NodeName}} {{.PodName}}/{{.ContainerName}} {{with tryParseJSON .Message}}[{{levelColor .level}}] {{.msg}}{{else}}{{.Message}}{{end}}{{"\\n"}}';
        const result = await backlog(['web-1', '-c', '^app$', '--template', template, '--color', 'always', '--only-log-lines']);
        const node = ctx.kubelet.nodeName;
        expect(result.stdout).toBe(
          `${node} web-1/app GET /orders 200\n${node} web-1/app [\x1b[31merror\x1b[0m] payment <failed>\n${node} web-1/app GET /health 200\n`,
        );
        expect(result.stderr).toBe('');
      });

      it('-t prints the kubelet’s timestamp, to the nanosecond, in the --timezone', async () => {
        const result = await backlog(['web', '-o', 'raw', '-t', '--timezone', 'Asia/Tokyo', '--only-log-lines']);
        const tokyo = (second: number) =>
          `${new Date(BASE + 9 * HOUR + second * 1000).toISOString().slice(0, 19)}.${String(second).padStart(9, '0')}+09:00`;
        expect(result.stdout).toBe(web(WEB_LINES, (l) => `${tokyo(l.second)} ${l.line}`));
      });
    });

    describe('what the apiserver source selects', () => {
      it('a pod regular expression over several pods, --exclude-pod and --init-containers=false', async () => {
        const result = await backlog(['^(web-\\d|worker)$', '--exclude-pod', '^web-2$', '--init-containers=false', '--color', 'never']);
        const web1 = WEB_LINES.filter((l) => l.pod === 'web-1' && l.container !== 'setup');
        expect(result.stdout).toBe(`${web(web1, (l) => `web-1 ${l.container} ${l.line}`)}worker app worker run 2\n`);
        expect(result.stderr).toBe('+ web-1 › app\n+ web-1 › sidecar\n+ worker › app\n');
      });

      it('-l with a label selector the apiserver evaluates (app=web,tier!=secret)', async () => {
        const result = await backlog(['-l', 'app=web,tier!=secret', '-o', 'raw', '--only-log-lines']);
        expect(result.stdout).toBe(web(WEB_LINES, (l) => l.line));
        expect(result.stdout).not.toContain(SECRET);
      });

      it('deployment/NAME: the pods its ReplicaSet owns, not a pod that merely has its labels', async () => {
        const result = await backlog(['deployment/api', '--color', 'never']);
        expect(result.stdout).toBe(`${apiPod} app api up\n`);
        expect(result.stderr).toBe(`+ ${apiPod} › app\n`);
        expect(result.code).toBe(0);
        // The stray pod was left out before any pods/log request, by ownership on the gateway.
        expect(ctx.kubelet.requests.filter((r) => r.path.startsWith(`/containerLogs/${ns}/api-stray/`))).toEqual([]);
      });

      it('-c and -E: only the containers asked for are read from the kubelet at all', async () => {
        const result = await backlog(['tools', '-c', 'app|sidecar', '-E', '^side', '-o', 'raw']);
        expect(result.stdout).toBe('tools app\n');
        expect(result.stderr).toBe('+ tools › app\n');
        expect(kubeletReads('tools').sort()).toEqual(['app']);
      });

      it('--tail N: the last N lines of each container, merged oldest first', async () => {
        const result = await backlog(['web', '--tail', '1', '--color', 'never']);
        const last = WEB_CONTAINERS.map(([pod, c]) => WEB_LINES.filter((l) => l.pod === pod && l.container === c).at(-1)!);
        expect(result.stdout).toBe(
          web(
            [...last].sort((a, b) => a.second - b.second),
            (l) => `${l.pod} ${l.container} ${l.line}`,
          ),
        );
        // The kubelet cut the backlog (tailLines), not the client.
        const web2 = ctx.kubelet.requests.filter((r) => r.path === `/containerLogs/${ns}/web-2/app`);
        expect(web2.some((r) => r.query.get('tailLines') === '1')).toBe(true);
      });

      it('-p: the previous instance of a restarted container, then exit 0', async () => {
        const result = await backlog(['worker', '-p', '-o', 'raw']);
        expect(result.stdout).toBe('worker run 1\n');
        expect(result.stderr).toBe('+ worker › app\n');
        expect(result.code).toBe(0);
        expect(ctx.kubelet.requests.some((r) => r.path === `/containerLogs/${ns}/worker/app` && r.query.get('previous') === 'true')).toBe(
          true,
        );
      });
    });

    it('--include, --exclude and --highlight on the lines, with short timestamps in a time zone', async () => {
      const result = await backlog([
        'web',
        '-o',
        'raw',
        '-i',
        'GET',
        '-e',
        'health',
        '-H',
        'orders|cart',
        '--color',
        'always',
        '--timestamps=short',
        '--timezone',
        'Asia/Tokyo',
      ]);
      const tokyo = (second: number) => {
        const iso = new Date(BASE + 9 * HOUR + second * 1000).toISOString();
        return `${iso.slice(5, 10)} ${iso.slice(11, 19)}`;
      };
      expect(result.stdout).toBe(
        `${tokyo(2)} ${HIGHLIGHT('GET')} /${HIGHLIGHT('orders')} 200\n${tokyo(5)} ${HIGHLIGHT('GET')} /${HIGHLIGHT('cart')} 200\n`,
      );
    });

    it('reads server, token and defaults from the config file TAILGATE_CLI_CONFIG names; flags win', async () => {
      const config = join(home, 'config.yaml');
      const yaml = [
        `server: ${gw.url}`,
        `token: ${tokenOf('carol')}`,
        'logs:',
        `  namespace: [${ns}]`,
        '  no-follow: true',
        '  output: json',
        '  exclude: [health]',
      ];
      writeFileSync(config, `${yaml.join('\n')}\n`, { mode: 0o600 });
      const result = await runCli(['logs', 'web-1', '-c', '^app$', '-o', 'raw'], { home, env: { TAILGATE_CLI_CONFIG: config } });
      expect(result.stdout).toBe(`GET /orders 200\n${JSON_LINE}\n`);
      expect(result.code).toBe(0);
    });

    describe('notices and exit codes', () => {
      it('names the pod a user may list but not read, one line on stderr, and never prints its lines', async () => {
        const result = await cli('bob', ['web|vault', '-n', ns, '--no-follow', '-o', 'raw']);
        expect(result.stdout).toBe(web(WEB_LINES, (l) => l.line));
        expect(result.stderr).toBe(`tailgate: denied ${ns}/vault/app (forbidden)\n${MARKERS}`);
        expect(result.code).toBe(0);
      });

      it('exits 4 (forbidden) when every matching container is denied', async () => {
        const result = await cli('bob', ['vault', '-n', ns, '--no-follow', '-o', 'raw']);
        expect(result.stdout).toBe('');
        expect(result.stderr).toBe(`tailgate: denied ${ns}/vault/app (forbidden)\ntailgate: every matching container was denied\n`);
        expect(result.code).toBe(EXIT_CODES.forbidden);
      });

      it('gives a user with no rights in the namespace nothing but counts: no pod name, no line', async () => {
        const result = await cli('dave', ['web', '-n', ns, '--no-follow', '-o', 'raw']);
        expect(result.stdout).toBe('');
        expect(result.stderr).toBe(
          [1, 2, 3, 4].map((n) => `tailgate: ${n} container${n === 1 ? '' : 's'} hidden (not permitted)\n`).join('') +
            'tailgate: every matching container was denied\n',
        );
        expect(result.code).toBe(EXIT_CODES.forbidden);
      });

      it('exits 3 on a token the apiserver does not know, without echoing it', async () => {
        const bad = `not-a-token-${suffix()}`;
        const result = await runCli(['logs', 'web', '-n', ns, '--no-follow', '--server', gw.url, '--token', bad], { home });
        expect(result.code).toBe(EXIT_CODES.unauthenticated);
        expect(result.stdout).toBe('');
        expect(result.stderr).toBe('tailgate: a valid bearer token is required\n');
      });
    });
  });

  it('follows: + as pods appear, their live lines, - when a pod is deleted, and 130 on Ctrl-C', async () => {
    await ctx.fixtures.pod(ns, 'blip-1');
    const run = startCli(['logs', '^blip-', '-n', ns, '--tail', '0', '-o', 'raw', '--server', gw.url, '--token', tokenOf('carol')], {
      home,
    });
    running.push(run);
    await run.waitForStderr((stderr) => stderr.includes('+ blip-1 › app\n'));
    await ctx.fixtures.pod(ns, 'blip-2');
    await run.waitForStderr((stderr) => stderr.includes('+ blip-2 › app\n'));
    await waitUntil(() => ['blip-1', 'blip-2'].every((pod) => ctx.kubelet.container(ns, pod, 'app').current.followers === 1));
    ctx.kubelet.container(ns, 'blip-1', 'app').write('blip-1 live');
    await stdoutIncludes(run, 'blip-1 live\n');
    ctx.kubelet.container(ns, 'blip-2', 'app').write('blip-2 live');
    await stdoutIncludes(run, 'blip-2 live\n');
    await ctx.fixtures.deletePod(ns, 'blip-1');
    await run.waitForStderr((stderr) => stderr.includes('- blip-1 › app\n'));
    run.child.kill('SIGINT');
    const result = await run.result;
    expect(result.stdout).toBe('blip-1 live\nblip-2 live\n');
    expect(result.stderr).toBe('+ blip-1 › app\n+ blip-2 › app\n- blip-1 › app\n');
    expect(result.code).toBe(EXIT_CODES.interrupted);
  });

  /** The containers of `pod` whose logs the kubelet was asked for, so far. */
  function kubeletReads(pod: string): string[] {
    const prefix = `/containerLogs/${ns}/${pod}/`;
    return [...new Set(ctx.kubelet.requests.filter((r) => r.path.startsWith(prefix)).map((r) => r.path.slice(prefix.length)))];
  }
});

/** Go's json.Marshal of a string: `<`, `>` and `&` escaped, as stern's `json` output has them. */
function goJson(text: string): string {
  return JSON.stringify(text).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

function stdoutIncludes(run: CliRun, text: string, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (!run.stdout().includes(text)) return;
      clearTimeout(timer);
      run.child.stdout?.off('data', check);
      resolve();
    };
    const timer = setTimeout(() => {
      run.child.stdout?.off('data', check);
      reject(new Error(`stdout never had ${JSON.stringify(text)}; it was:\n${run.stdout()}`));
    }, timeoutMs);
    run.child.stdout?.on('data', check);
    check();
  });
}

/** For the kubelet stand-in's follower count, which no event announces. */
async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
