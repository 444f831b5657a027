// The worker as its own process, on the TypeScript sources (tsx as a loader, so the PID is the
// worker's), on the run's real redis-server: it loads a test plugin through `use:` (and ignores the
// gateway's plugins), runs the job this test queues as a producer would, survives SIGKILL mid-job
// (the next worker runs the job again once its lock lapsed), serves /healthz, /readyz and
// /metrics on loopback, and stops on SIGTERM by its named shutdown. Without redis.url it refuses to start.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { closeRedisConnection, createRedisConnections } from '@tailgate/bus';
import { BullmqJobRunner } from '@tailgate/jobs';
import type { JobDefinition } from '@tailgate/plugin-sdk';
import { freePort } from '@tailgate/testing';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';

import { type AppProcess, killAll, runApp, shutdownSteps, spawnApp, untilAnswers } from '../support/app-process';

/**
 * A third-party plugin with one job: it notes each run's start, waits for the test's `release`
 * file (or the shutdown), counts the run in the shared state, then notes its end.
 */
const TEST_PLUGIN = `
const { createRequire } = require('node:module');
const fs = require('node:fs');
const load = createRequire(process.cwd() + '/');
const { definePlugin, sharedStateServiceRef } = load('@tailgate/plugin-sdk');
const { z } = load('zod');
module.exports = definePlugin({
  id: 'test-jobs',
  description: 'worker-process test plugin',
  configSchema: z.strictObject({ marks: z.string() }),
  register(ctx) {
    const marks = ctx.config.marks;
    const state = ctx.use(sharedStateServiceRef);
    ctx.addJob({
      name: 'slow',
      data: z.strictObject({ n: z.number() }),
      attempts: 2,
      async handle(data, job) {
        fs.appendFileSync(marks + '/started', data.n + ' ' + job.attempt + ' ' + process.pid + '\\n');
        while (!fs.existsSync(marks + '/release')) {
          if (job.signal.aborted) throw new Error('aborted');
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await state.increment('test-jobs:runs');
        fs.appendFileSync(marks + '/finished', data.n + '\\n');
      },
    });
  },
});
`;

/** The test's producer knows the job by name and attempts only, as the gateway would. */
const SLOW_JOB: JobDefinition<unknown> = { name: 'slow', data: z.unknown(), attempts: 2, handle: async () => undefined };

describe('worker process', () => {
  let base: string;
  let keyPrefix: string;
  let configFile: string;
  let port: number;
  const running: AppProcess[] = [];
  const cleanups: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    base = mkdtempSync(join(tmpdir(), 'worker-process-'));
    keyPrefix = `test:worker-process:${randomUUID()}:`;
    port = await freePort();
    // Installed as a package in a plugin directory, as an image would add it.
    const home = join(base, 'plugins', 'node_modules', 'tailgate-test-jobs');
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, 'package.json'), JSON.stringify({ name: 'tailgate-test-jobs', version: '1.0.0', main: 'index.cjs' }));
    writeFileSync(join(home, 'index.cjs'), TEST_PLUGIN);
    configFile = join(base, 'tailgate.yaml');
    writeFileSync(
      configFile,
      JSON.stringify({
        redis: { url: inject('redisUrl'), keyPrefix },
        pluginDirectory: join(base, 'plugins'),
        jobs: { lockMs: 1_000, stalledIntervalMs: 300, backoffBaseMs: 50, http: { host: '127.0.0.1', port } },
        // The gateway's: not loaded by the worker, nor checked.
        access: { chain: ['namespace-allowlist.namespaces'] },
        plugins: {
          'test-jobs': { use: 'tailgate-test-jobs', marks: base },
          'namespace-allowlist': { namespaces: ['default'] },
        },
      }),
    );
  });

  afterEach(async () => {
    await killAll(running);
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    rmSync(base, { recursive: true, force: true });
  });

  async function spawnWorker(): Promise<AppProcess> {
    const logFile = join(base, `worker-${running.length}.log`);
    const worker = spawnApp('worker', { env: { TAILGATE_CONFIG: configFile }, logFile, port });
    running.push(worker);
    await untilAnswers(worker, '/readyz');
    return worker;
  }

  async function producer(): Promise<BullmqJobRunner> {
    const runner = new BullmqJobRunner({ redis: { url: inject('redisUrl'), keyPrefix }, mode: 'producer' });
    cleanups.push(() => runner.close());
    await runner.start(new Map([['test-jobs.slow', { pluginId: 'test-jobs', definition: SLOW_JOB }]]));
    return runner;
  }

  const lines = (file: string): string[] => (existsSync(join(base, file)) ? readFileSync(join(base, file), 'utf8').trim().split('\n') : []);

  it('runs a queued job; killed mid-job, the next worker runs it again to the end', async () => {
    const first = await spawnWorker();
    const queue = await producer();
    await queue.enqueue('test-jobs.slow', { n: 1 });
    await expect.poll(() => lines('started').length, { timeout: 10_000 }).toBe(1);
    process.kill(first.child.pid!, 'SIGKILL');
    expect(await first.exited).toBe('SIGKILL');

    writeFileSync(join(base, 'release'), '');
    const second = await spawnWorker();
    await expect.poll(() => lines('finished'), { timeout: 15_000 }).toEqual(['1']);
    const [killed, rerun] = lines('started').map((line) => line.split(' '));
    expect(killed?.[2]).toBe(String(first.child.pid));
    expect([rerun?.[0], rerun?.[2]]).toEqual(['1', String(second.child.pid)]);
    await expect.poll(() => second.metric('tailgate_jobs_completed_total{job="test-jobs.slow"}'), { timeout: 5_000 }).toBe(1);
    expect(await second.metric('tailgate_jobs_backlog')).toBe(0);
    expect(await second.metric('tailgate_jobs_dead_lettered_total{job="test-jobs.slow"}')).toBeUndefined();
    const redis = createRedisConnections(inject('redisUrl'), { role: 'commands', connectionNamePrefix: 'worker-process-test' });
    cleanups.push(() => closeRedisConnection(redis));
    expect(await redis.get(`${keyPrefix}plugins:test-jobs:runs`)).toBe('1');
  });

  it('serves /healthz, /readyz and /metrics on loopback, and exits 0 on SIGTERM after its named shutdown', async () => {
    const worker = await spawnWorker();
    expect(await (await fetch(`${worker.url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${worker.url}/readyz`)).json()).toEqual({ status: 'ready' });
    expect(await worker.metric('tailgate_worker_ready')).toBe(1);
    expect(await worker.metric('tailgate_jobs_backlog')).toBe(0);
    expect(await worker.metric('process_resident_memory_bytes')).toBeGreaterThan(0);
    const queue = await producer();
    await queue.enqueue('test-jobs.slow', { n: 2 });
    await expect.poll(() => lines('started').length, { timeout: 10_000 }).toBe(1);

    process.kill(worker.child.pid!, 'SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(shutdownSteps(worker)).toEqual(['readiness', 'jobs', 'plugins', 'host services', 'redis', 'health server', 'log']);
    expect(worker.log()).toContain('"plugins":["test-jobs"]');
    // The job it was running went back to the queue, unfailed, for the next worker.
    expect(lines('finished')).toEqual([]);
    expect(await queue.backlog()).toBe(1);
    expect(await queue.deadLetters()).toEqual([]);
  });

  it('refuses to start without redis.url, saying so', () => {
    writeFileSync(configFile, JSON.stringify({ plugins: {} }));
    const result = runApp('worker', [], { TAILGATE_CONFIG: configFile });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('tailgate-worker redis_required: redis.url is not set');
  });

  it('refuses plugins it cannot load, listing each problem: a package not installed, a path', () => {
    writeFileSync(
      configFile,
      JSON.stringify({
        redis: { url: inject('redisUrl'), keyPrefix },
        pluginDirectory: join(base, 'plugins'),
        plugins: {
          'test-jobs': { use: 'tailgate-missing-jobs' },
          other: { use: join(base, 'plugins', 'node_modules', 'tailgate-test-jobs') },
        },
      }),
    );
    const result = runApp('worker', [], { TAILGATE_CONFIG: configFile });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('tailgate-worker plugins_invalid: the plugins cannot be loaded:');
    expect(result.stderr).toContain(
      `plugins.test-jobs.use: package tailgate-missing-jobs is not installed (looked in the plugin directory ${join(base, 'plugins')}`,
    );
    expect(result.stderr).toContain('is not an npm package name (a path or a built-in module is never loaded)');
  });
});
