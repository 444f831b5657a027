// `tailgate logs` end to end: the CLI as a real process against an in-process demo gateway whose
// container logs this suite writes itself. Output is compared exactly for every -o format, a
// template, colours on and off, filters and highlighting, timestamps in a time zone, the +/- lines,
// the notices on stderr and the exit codes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CriLogWriter } from '@tailgate/cri-logs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO_PODS } from '../../apps/gateway/src/demo/demo-world';
import { type CliResult, runCli, startCli } from './support/cli-process';
import { type DemoGateway, startDemoGateway } from './support/start-demo-gateway';

// bob may hold one subscription: the suite's quota error.
const QUOTAS = { users: { bob: { maxSubscriptions: 1 } } };

const HOUR = 3_600_000;
// Whole hours, one to two hours ago: inside the default --since (24 h), and easy to read in Tokyo.
const BASE = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
const ts = (second: number) => `${new Date(BASE + second * 1000).toISOString().slice(0, 19)}.00000000${second}Z`;

const CHECKOUT_LINES = ['GET /orders 200', '{"level":"error","msg":"payment <failed>"}', 'GET /health 200'];
// checkout-api hashes to stern's third colour pair (hi-magenta / magenta), payments-worker to the second (hi-green / green).
const MAGENTA_POD = (text: string) => `\x1b[95m${text}\x1b[0m`;
const MAGENTA_CONTAINER = (text: string) => `\x1b[35m${text}\x1b[0m`;
const HIGHLIGHT = (text: string) => `\x1b[31;1m${text}\x1b[0m`;

describe('tailgate logs', () => {
  let demo: DemoGateway;
  let home: string;
  const cli = (user: string, args: readonly string[]): Promise<CliResult> =>
    runCli(['logs', ...args, '--server', demo.gateway.url, '--token', demo.world.tokens[user]!], { home });
  const checkout = (user: string, args: readonly string[]) =>
    cli(user, ['checkout-api', '-n', 'team-a', '--no-follow', '--tail', '3', ...args]);

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'tailgate-cli-home-'));
    demo = await startDemoGateway(DEMO_PODS, undefined, {}, QUOTAS);
    await demo.writers.get('checkout-api')!.writeMany(CHECKOUT_LINES.slice(0, 1), { ts: ts(1) });
    await demo.writers.get('checkout-api')!.write(CHECKOUT_LINES[1]!, { ts: ts(2), stream: 'stderr' });
    await demo.writers.get('checkout-api')!.write(CHECKOUT_LINES[2]!, { ts: ts(3) });
    await demo.writers.get('payments-worker')!.write('charged order 7', { ts: ts(4) });
  });
  afterAll(async () => {
    await demo?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  // Each test runs its own CLI processes on its own pods and users: they run side by side.
  describe.concurrent('one-shot runs', () => {
    describe('output formats', () => {
      it('default: pod, container and message on stdout, a + line on stderr', async () => {
        const result = await checkout('alice', ['--color', 'never']);
        expect(result.stdout).toBe(CHECKOUT_LINES.map((line) => `checkout-api api ${line}\n`).join(''));
        expect(result.stderr).toBe('+ checkout-api › api\n');
        expect(result.code).toBe(0);
      });

      it('default with --color always: a stable colour for the pod and for its container, also on the + line', async () => {
        const result = await checkout('alice', ['--color', 'always']);
        expect(result.stdout).toBe(
          CHECKOUT_LINES.map((line) => `${MAGENTA_POD('checkout-api')} ${MAGENTA_CONTAINER('api')} ${line}\n`).join(''),
        );
        expect(result.stderr).toBe(`\x1b[92;1m+\x1b[0m ${MAGENTA_POD('checkout-api')} › ${MAGENTA_CONTAINER('api')}\n`);
      });

      it('raw, json, extjson and ppextjson', async () => {
        const [raw, json, extjson, ppextjson] = await Promise.all(
          ['raw', 'json', 'extjson', 'ppextjson'].map((format) => checkout('alice', ['-o', format, '--only-log-lines'])),
        );
        expect(raw!.stdout).toBe(CHECKOUT_LINES.map((line) => `${line}\n`).join(''));
        expect(json!.stdout).toBe(
          [
            `{"message":"GET /orders 200","nodeName":"","namespace":"team-a","podName":"checkout-api","containerName":"api","timestamp":"${ts(1)}","stream":"stdout"}`,
            `{"message":"{\\"level\\":\\"error\\",\\"msg\\":\\"payment \\u003cfailed\\u003e\\"}","nodeName":"","namespace":"team-a","podName":"checkout-api","containerName":"api","timestamp":"${ts(2)}","stream":"stderr"}`,
            `{"message":"GET /health 200","nodeName":"","namespace":"team-a","podName":"checkout-api","containerName":"api","timestamp":"${ts(3)}","stream":"stdout"}`,
            '',
          ].join('\n'),
        );
        expect(extjson!.stdout).toBe(
          [
            '{"pod": "checkout-api", "container": "api", "message": "GET /orders 200"}',
            '{"pod": "checkout-api", "container": "api", "message": {"level":"error","msg":"payment <failed>"}}',
            '{"pod": "checkout-api", "container": "api", "message": "GET /health 200"}',
            '',
          ].join('\n'),
        );
        expect(ppextjson!.stdout).toBe(
          CHECKOUT_LINES.map(
            (line) =>
              `{\n  "pod": "checkout-api",\n  "container": "api",\n  "message": ${line.startsWith('{') ? line : JSON.stringify(line)}\n}\n`,
          ).join(''),
        );
        for (const result of [raw, json, extjson, ppextjson]) expect(result!.stderr).toBe('');
      });

      it('a template with JSON helpers and the record fields', async () => {
        const template = '{{.Stream}} {{with tryParseJSON .Message}}[{{levelColor .level}}] {{.msg}}{{else}}{{.Message}}{{end}}{{"\\n"}}';
        const result = await checkout('alice', ['--template', template, '--color', 'always', '--only-log-lines']);
        expect(result.stdout).toBe('stdout GET /orders 200\nstderr [\x1b[31merror\x1b[0m] payment <failed>\nstdout GET /health 200\n');
      });
    });

    it('filters with --include/--exclude, highlights matches, and shows timestamps in a time zone', async () => {
      const tokyo = (second: number) => {
        const iso = new Date(BASE + 9 * HOUR + second * 1000).toISOString();
        return `${iso.slice(5, 10)} ${iso.slice(11, 19)}`;
      };
      const result = await checkout('alice', [
        '-o',
        'raw',
        '-i',
        'GET',
        '-e',
        'health',
        '-H',
        'orders',
        '--color',
        'always',
        '--timestamps=short',
        '--timezone',
        'Asia/Tokyo',
      ]);
      expect(result.stdout).toBe(`${tokyo(1)} ${HIGHLIGHT('GET')} /${HIGHLIGHT('orders')} 200\n`);
    });

    it('prefixes the namespace with -A and tells how many containers were hidden', async () => {
      const result = await cli('alice', ['.', '-A', '--no-follow', '--tail', '3', '--color', 'never']);
      expect(result.stdout.split('\n').filter(Boolean).sort()).toEqual(
        [
          ...CHECKOUT_LINES.map((line) => `team-a checkout-api api ${line}`),
          'team-a payments-worker worker before anyone listened',
          'team-a payments-worker worker charged order 7',
        ].sort(),
      );
      expect(result.stderr).toContain('+ team-a checkout-api › api\n');
      expect(result.stderr).toMatch(/^tailgate: \d+ containers? hidden \(not permitted\)$/m);
      expect(result.stdout + result.stderr).not.toContain('web-frontend');
      expect(result.code).toBe(0);
    });

    describe('notices and exit codes', () => {
      it('names a denied pod of a namespace the user may list, and goes on with the others', async () => {
        const result = await cli('carol', ['.', '-n', 'team-a', '--no-follow', '--tail', '3', '-o', 'raw']);
        expect(result.stderr).toContain('tailgate: denied team-a/payments-worker/worker (forbidden)\n');
        expect(result.stdout).toBe(CHECKOUT_LINES.map((line) => `${line}\n`).join(''));
        expect(result.stdout).not.toContain('charged order 7');
        expect(result.code).toBe(0);
      });

      it('exits 4 when every matching container is denied', async () => {
        const result = await cli('carol', ['payments-worker', '-n', 'team-a', '--no-follow', '--tail', '3', '--color', 'never']);
        expect(result.stdout).toBe('');
        expect(result.stderr).toBe(
          'tailgate: denied team-a/payments-worker/worker (forbidden)\ntailgate: every matching container was denied\n',
        );
        expect(result.code).toBe(4);
      });

      it('spells out a quota error and exits 6', async () => {
        const holder = await demo.connect('bob');
        expect((await holder.subscribe({ source: 'node-file.pods', selector: { namespace: 'team-b' } })).ok).toBe(true);
        const result = await cli('bob', ['search-indexer', '-n', 'team-b', '--no-follow']);
        holder.close();
        expect(result.stderr).toBe('tailgate: quota exceeded: subscriptions per user, max 1\n');
        expect(result.stdout).toBe('');
        expect(result.code).toBe(6);
      });

      it('exits 2 on a bad flag, 3 on a bad token, 5 when no server answers', async () => {
        const [flag, template, token, unreachable] = await Promise.all([
          cli('alice', ['checkout-api', '--bogus']),
          cli('alice', ['checkout-api', '--template', '{{.Message}\n{{nope}}']),
          runCli(['logs', 'x', '--server', demo.gateway.url, '--token', 'not-a-token'], { home }),
          runCli(['logs', 'x', '--server', 'http://127.0.0.1:9', '--token', 't'], { home }),
        ]);
        expect(flag.code).toBe(2);
        expect(flag.stderr).toContain("unknown option '--bogus'");
        expect(template.code).toBe(2);
        expect(template.stderr).toBe('tailgate: bad template at line 1, column 11: unexpected "}" in action\n');
        expect(token.code).toBe(3);
        expect(token.stderr).not.toContain('not-a-token');
        expect(unreachable.code).toBe(5);
        for (const result of [flag, token, unreachable]) expect(result.stdout).toBe('');
      });
    });

    describe('--stdin', () => {
      it('applies the same filters and template to lines read from stdin, with empty pod fields', async () => {
        const result = await runCli(['logs', '--stdin', '-e', 'debug', '--template', '[{{.PodName}}] {{.Message}}{{"\\n"}}'], {
          home,
          stdin: 'one\ndebug two\nthree',
        });
        expect(result.stdout).toBe('[] one\n[] three\n');
        expect(result.code).toBe(0);
      });

      it('ends quietly with 0 when the reader of stdout goes away (| head)', async () => {
        const run = startCli(['logs', '--stdin', '-o', 'raw'], { home, stdin: `${'a line of log output\n'.repeat(200_000)}` });
        await new Promise<void>((resolve) => run.child.stdout!.once('data', () => resolve()));
        run.child.stdout!.destroy();
        const result = await run.result;
        expect(result.code).toBe(0);
        expect(result.stderr).toBe('');
      });
    });
  });

  it('prints + and - as containers start and stop while following, and exits 130 on Ctrl-C', async () => {
    const run = startCli(
      [
        'logs',
        'checkout-api',
        '-n',
        'team-a',
        '--tail',
        '0',
        '-o',
        'raw',
        '--server',
        demo.gateway.url,
        '--token',
        demo.world.tokens['alice']!,
      ],
      {
        home,
      },
    );
    await run.waitForStderr((stderr) => stderr.includes('+ checkout-api › api\n'));
    const sidecar = new CriLogWriter(demo.world.podsRoot, { namespace: 'team-a', pod: 'checkout-api', container: 'sidecar' });
    await run.waitForStderr((stderr) => stderr.includes('+ checkout-api › sidecar\n'));
    await sidecar.write('from the sidecar');
    await sidecar.remove();
    await run.waitForStderr((stderr) => stderr.includes('- checkout-api › sidecar\n'));
    run.child.kill('SIGINT');
    const result = await run.result;
    expect(result.stdout).toBe('from the sidecar\n');
    expect(result.stderr).toBe('+ checkout-api › api\n+ checkout-api › sidecar\n- checkout-api › sidecar\n');
    expect(result.code).toBe(130);
  });
});
