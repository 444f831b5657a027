// The node agent as its own process, on the TypeScript sources (tsx as a loader, so the PID is the
// agent's): health, readiness and metrics on loopback, SIGTERM by PID runs the named shutdown,
// bad settings are refused with config_invalid, and unreadable directories (EACCES — the agent runs
// as `nobody` when the suite runs as root, since root reads through file modes) are reported,
// counted and survived.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CriLogWriter } from '@tailgate/cri-logs/testing';
import { freePort } from '@tailgate/testing';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';

import {
  APP_ENV,
  type AppProcess,
  killAll,
  REPOSITORY,
  runApp,
  shutdownSteps,
  SOURCE_LOADER,
  spawnApp,
  untilAnswers,
} from '../support/app-process';

const NOBODY = 65_534;
const runsAsRoot = process.getuid?.() === 0;

describe('agent process', () => {
  let base: string;
  const running: AppProcess[] = [];

  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'agent-process-'));
    // Traversable by `nobody`; what must be unreadable is made so by each test.
    chmodSync(base, 0o755);
    mkdirSync(join(base, 'pods'), { mode: 0o755 });
    mkdirSync(join(base, 'state'), { mode: 0o777 });
    chmodSync(join(base, 'state'), 0o777);
  });

  afterEach(async () => {
    await killAll(running);
    rmSync(base, { recursive: true, force: true });
  });

  async function spawnAgent(args: readonly string[], asUser?: number): Promise<AppProcess> {
    const port = await freePort();
    const logFile = join(base, `agent-${running.length}.log`);
    const flags = ['--node-name=node-1', `--root=${join(base, 'pods')}`, `--state-dir=${join(base, 'state')}`, '--http-host=127.0.0.1'];
    const agent = spawnApp('agent', {
      args: [...flags, `--http-port=${port}`, ...args],
      logFile,
      port,
      ...(asUser !== undefined && { uid: asUser }),
    });
    running.push(agent);
    await untilAnswers(agent, '/healthz');
    return agent;
  }

  const readiness = async (agent: AppProcess) => {
    const response = await fetch(`${agent.url}/readyz`);
    return { status: response.status, body: await response.json() };
  };

  it('serves /healthz, /readyz and /metrics on loopback, and exits 0 on SIGTERM after its named shutdown', async () => {
    const writer = new CriLogWriter(join(base, 'pods'), { namespace: 'acme', pod: 'web-0', container: 'app' });
    await writer.write('secret line');
    const agent = await spawnAgent(['--scan-interval-ms=100']);
    await expect.poll(() => readiness(agent), { timeout: 10_000 }).toEqual({ status: 200, body: { status: 'ready' } });
    expect(await agent.metric('tailgate_agent_containers')).toBe(1);
    expect(await agent.metric('tailgate_agent_ready')).toBe(1);
    expect(await agent.metric('process_resident_memory_bytes')).toBeGreaterThan(0);
    process.kill(agent.child.pid!, 'SIGTERM');
    expect(await agent.exited).toBe(0);
    expect(shutdownSteps(agent)).toEqual(['readiness', 'tailing', 'container inventory', 'positions', 'health server', 'log']);
    expect(existsSync(join(base, 'state', 'positions.json'))).toBe(true);
    expect(agent.log()).not.toContain('secret');
  });

  it('on a bus without a gateway URL is not ready, since gateways with authentication take nothing unsigned, unless told unsigned', async () => {
    const bus = [`--redis-url=${inject('redisUrl')}`, `--redis-key-prefix=test:agent-process:${process.pid}:`];
    const unsigned = await spawnAgent(bus);
    await expect
      .poll(() => readiness(unsigned), { timeout: 10_000 })
      .toEqual({ status: 503, body: { status: 'not_ready', problems: ['unsigned_without_gateway_url'] } });
    const meant = await spawnAgent([...bus, '--unsigned=true']);
    await expect.poll(() => readiness(meant), { timeout: 10_000 }).toEqual({ status: 200, body: { status: 'ready' } });
  });

  it('refuses bad settings at once, listing each under config_invalid', () => {
    const result = runApp('agent', ['--http-port=70000', '--max-line-bytes=lots'], { TAILGATE_AGENT_READ_BUFFER_BYTES: '1' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('tailgate-agent config_invalid: agent configuration has 4 problem(s)');
    for (const flag of ['--node-name', '--http-port', '--max-line-bytes', '--read-buffer-bytes'])
      expect(result.stderr).toContain(`  - ${flag} (`);
  });

  it('counts an unreadable pod directory (EACCES) and serves the rest; an unreadable root makes it unready, never dead', async () => {
    const readable = new CriLogWriter(join(base, 'pods'), { namespace: 'acme', pod: 'web-0', container: 'app' });
    const hidden = new CriLogWriter(join(base, 'pods'), { namespace: 'acme', pod: 'db-0', container: 'db' });
    for (const path of [readable.podDirectory, readable.containerDirectory]) chmodSync(path, 0o755);
    chmodSync(hidden.podDirectory, runsAsRoot ? 0o700 : 0o000);
    const agent = await spawnAgent(
      ['--scan-interval-ms=100', `--containers-dir=${join(base, 'containers')}`],
      runsAsRoot ? NOBODY : undefined,
    );
    await expect.poll(() => agent.metric('tailgate_agent_read_errors_total{kind="directory",code="EACCES"}'), { timeout: 10_000 }).toBe(1);
    expect(await agent.metric('tailgate_agent_containers')).toBe(1);
    expect(await readiness(agent)).toEqual({ status: 200, body: { status: 'ready' } });
    expect(agent.log()).toContain('"code":"directory_unreadable","errno":"EACCES"');

    chmodSync(join(base, 'pods'), runsAsRoot ? 0o700 : 0o000);
    await expect
      .poll(() => readiness(agent), { timeout: 10_000 })
      .toEqual({ status: 503, body: { status: 'not_ready', problems: ['root_unreadable'] } });
    expect((await fetch(`${agent.url}/healthz`)).status).toBe(200);
    expect(await agent.metric('tailgate_agent_read_errors_total{kind="directory",code="EACCES"}')).toBe(2);
    chmodSync(join(base, 'pods'), 0o755);
    chmodSync(hidden.podDirectory, 0o755);
    process.kill(agent.child.pid!, 'SIGTERM');
    expect(await agent.exited).toBe(0);
  });

  it('reports a container directory it may not read (EACCES) once, then reads it when it may', async () => {
    const hidden = new CriLogWriter(join(base, 'pods'), { namespace: 'acme', pod: 'db-0', container: 'db' });
    await hidden.writeMany(['secret 1', 'secret 2']);
    chmodSync(hidden.podDirectory, 0o755);
    chmodSync(hidden.containerDirectory, runsAsRoot ? 0o700 : 0o000);
    const child = spawn(process.execPath, [...SOURCE_LOADER, '--input-type=module', '-e', TAIL_STEPS], {
      cwd: REPOSITORY,
      env: { ...APP_ENV, DIR: hidden.containerDirectory },
      stdio: ['pipe', 'pipe', 'inherit'],
      ...(runsAsRoot ? { uid: NOBODY, gid: NOBODY } : {}),
    });
    const reports: unknown[] = [];
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
        reports.push(JSON.parse(pending.slice(0, end)));
        pending = pending.slice(end + 1);
      }
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await expect.poll(() => reports.length, { timeout: 30_000 }).toBe(2);
    chmodSync(hidden.containerDirectory, 0o755);
    child.stdin.end('go\n');
    await expect.poll(() => reports.length, { timeout: 10_000 }).toBe(3);
    expect(await exited).toBe(0);
    expect(reports).toEqual([[{ type: 'unreadable', code: 'EACCES' }], [], [{ type: 'records', count: 2 }]]);
  });
});

/** Steps an AgentTail on $DIR twice, then once more after a line on stdin; prints each step's events. */
const TAIL_STEPS = `
const { createRequire } = await import('node:module');
const { AgentTail } = createRequire(process.cwd() + '/')('@tailgate/cri-logs');
const tail = new AgentTail({ readChunkBytes: 65536, maxLineBytes: 65536, maxBatchRecords: 100, pollIntervalMs: 50, watchFiles: false });
tail.start({ target: { namespace: 'acme', pod: 'db-0', container: 'db' }, path: process.env.DIR }, 'beginning');
const report = async () => {
  const { events } = await tail.step();
  const shown = events.map((e) => (e.type === 'records' ? { type: e.type, count: e.records.length } : { type: e.type, code: e.code }));
  process.stdout.write(JSON.stringify(shown) + '\\n');
};
await report();
await report();
process.stdin.once('data', async () => {
  await report();
  await tail.close();
});
`;
