import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type AgentTailEvent, type ContainerLogDir } from '@tailgate/cri-logs';
import { CriLogWriter } from '@tailgate/cri-logs/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { parseAgentConfig } from './agent-config';
import { POSITIONS_FILE } from './position-store';
import { type RunningAgent, startAgent } from './start-agent';

describe('startAgent', () => {
  let base: string;
  let writer: CriLogWriter;
  let dir: ContainerLogDir;
  let log: string;
  const received: string[] = [];
  const agents: RunningAgent[] = [];

  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'agent-'));
    writer = new CriLogWriter(join(base, 'pods'), { namespace: 'acme', pod: 'web-0', container: 'app' });
    dir = { target: writer.target, path: writer.containerDirectory };
    log = '';
    received.length = 0;
  });

  afterEach(async () => {
    await Promise.all(agents.splice(0).map((agent) => agent.stop('test over')));
    await rm(base, { recursive: true, force: true });
  });

  async function start(root = join(base, 'pods')): Promise<RunningAgent> {
    const config = parseAgentConfig(
      ['--node-name=node-1', `--root=${root}`, `--containers-dir=${join(base, 'containers')}`, `--state-dir=${join(base, 'state')}`],
      {
        TAILGATE_AGENT_HTTP_HOST: '127.0.0.1',
        TAILGATE_AGENT_HTTP_PORT: '0',
        TAILGATE_AGENT_POLL_INTERVAL_MS: '20',
        TAILGATE_AGENT_LOG_LEVEL: 'debug',
      },
    );
    const sink = (events: readonly AgentTailEvent[]) => {
      for (const event of events) if (event.type === 'records') received.push(...event.records.map((r) => r.line));
    };
    const agent = await startAgent(config, { sink, logDestination: { write: (line: string) => void (log += line) } });
    agents.push(agent);
    return agent;
  }

  const numbered = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `secret line ${from + i}`);
  const receivedAll = (count: number) => expect.poll(() => received.length, { timeout: 10_000 }).toBe(count);

  it('resumes from its saved positions after a restart: no line lost or repeated, rotations and a container restart meanwhile', async () => {
    const first = await start();
    expect(first.follow(dir, 'beginning')).toBe(true);
    await writer.writeMany(numbered(0, 30));
    await writer.rotate();
    await writer.writeMany(numbered(30, 50));
    await receivedAll(50);
    await writer.writeMany(numbered(50, 60)); // read or not before the stop: either way exactly once
    await first.stop('SIGTERM');
    const saved = JSON.parse(await readFile(join(base, 'state', POSITIONS_FILE), 'utf8')) as { positions: Record<string, unknown> };
    expect(Object.keys(saved.positions)).toEqual([dir.path]);

    await writer.writeMany(numbered(60, 80));
    await writer.rotate();
    await writer.restart();
    await writer.writeMany(numbered(80, 90));
    const second = await start();
    expect(second.follow(dir)).toBe(true);
    await receivedAll(90);
    expect(received).toEqual(numbered(0, 90));
    expect(log).not.toContain('secret line');
  });

  it('keeps an unfollowed container’s position for its next follow', async () => {
    const agent = await start();
    agent.follow(dir, 'beginning');
    await writer.writeMany(numbered(0, 5));
    await receivedAll(5);
    await agent.unfollow(dir.path);
    await writer.writeMany(numbered(5, 8));
    expect(agent.follow(dir)).toBe(true);
    await receivedAll(8);
    expect(received).toEqual(numbered(0, 8));
  });

  it('answers /healthz, /readyz and /metrics, and shuts down in its named order', async () => {
    const agent = await start();
    agent.follow(dir, 'beginning');
    await writer.writeMany(numbered(0, 3));
    await receivedAll(3);
    const [health, ready, metrics] = await Promise.all(['/healthz', '/readyz', '/metrics'].map((path) => fetch(`${agent.url}${path}`)));
    expect([health?.status, ready?.status, metrics?.status]).toEqual([200, 200, 200]);
    const text = await metrics!.text();
    expect(text).toMatch(/^tailgate_agent_records_read_total 3$/m);
    expect(text).toMatch(/^tailgate_agent_containers_tailed 1$/m);
    expect(text).toMatch(/^tailgate_agent_ready 1$/m);
    expect(text).toMatch(/^process_resident_memory_bytes /m);
    expect((await fetch(`${agent.url}/nothing`)).status).toBe(404);
    expect(agent.shutdownOrder).toEqual(['readiness', 'tailing', 'container inventory', 'positions', 'health server', 'log']);
    await agent.stop('SIGTERM');
    await expect(fetch(`${agent.url}/healthz`)).rejects.toThrow();
  });

  it('stays alive but not ready while its root cannot be read, and says why', async () => {
    // Root ignores file modes; a symlink loop cannot be listed by anyone (the EACCES case runs as nobody in test/integration).
    const loop = join(base, 'loop');
    await symlink(loop, loop);
    const agent = await start(loop);
    expect((await fetch(`${agent.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${agent.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'not_ready', problems: ['root_unreadable'] });
    expect(await (await fetch(`${agent.url}/metrics`)).text()).toMatch(
      /^tailgate_agent_read_errors_total\{kind="directory",code="ELOOP"\} 1$/m,
    );
  });
});
