import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';

import type { KubeStreamResponse } from '@tailgate/kube';
import {
  CursorClock,
  isPluginError,
  type LogRecord,
  type PluginLogger,
  type PodMetadata,
  silentLogger,
  type TargetRef,
  toEpochNanos,
} from '@tailgate/plugin-sdk';
import { describe, expect, it } from 'vitest';

import { AgentPodSelectorSchema } from './agent-pod-selector';
import { apiserverBacklog } from './apiserver-backlog';
import { ApiserverFallback, type FallbackSink } from './apiserver-fallback';
import { followThroughApiserver, ResumingCursors } from './apiserver-log-follower';

/** A minute from now, so a follow started at the end keeps them. */
const SECOND = new Date(Math.floor(Date.now() / 1000) * 1000 + 60_000).toISOString().slice(0, 19);
const TS = [`${SECOND}.000000001Z`, `${SECOND}.000000001Z`, `${SECOND}.5Z`, `${SECOND}.75Z`];
const target: TargetRef = { namespace: 'acme', pod: 'web-0', container: 'app', node: 'node-2' };

/** A pods/log endpoint: each request gets the next scripted answer; a body stays open until ended. */
function fakeApiserver(answers: (string[] | number)[]) {
  const paths: string[] = [];
  const bodies: PassThrough[] = [];
  const transport = {
    stream(path: string): Promise<KubeStreamResponse> {
      paths.push(path);
      const answer = answers.shift() ?? 404;
      if (typeof answer === 'number') return Promise.resolve({ ok: false, status: answer });
      const body = new PassThrough();
      bodies.push(body);
      body.end(answer.map((line) => `${line}\n`).join(''));
      return Promise.resolve({ ok: true, status: 200, body: body as unknown as IncomingMessage });
    },
  };
  return { transport, paths, bodies };
}

/** A logger that keeps its warnings (fields and message), for what a failure logs. */
function recordingLogger(): { logger: PluginLogger; warnings: { fields: Record<string, unknown>; message: string }[] } {
  const warnings: { fields: Record<string, unknown>; message: string }[] = [];
  const logger: PluginLogger = {
    ...silentLogger,
    warn: (fields: Record<string, unknown>, message: string) => void warnings.push({ fields, message }),
    child: () => logger,
  } as PluginLogger;
  return { logger, warnings };
}

describe('reading a container through the apiserver', () => {
  it('gives each line the cursor the agent gives it, and skips what a re-read repeats', () => {
    const agent = new CursorClock();
    const expected = TS.map((ts) => agent.next(toEpochNanos(ts)!));
    const fresh = new ResumingCursors(undefined);
    expect(TS.map((ts) => fresh.next(toEpochNanos(ts)!))).toEqual(expected);
    // Resumed after the second line: a read from its whole second repeats the first two.
    const resumed = new ResumingCursors(expected[1]);
    resumed.beginRead();
    expect(TS.map((ts) => resumed.next(toEpochNanos(ts)!))).toEqual([undefined, undefined, expected[2], expected[3]]);
  });

  it('starts at the end, reads again after the last cursor when a read ends, and stops when the pod is gone', async () => {
    const api = fakeApiserver([[`${TS[0]} one`, `${TS[1]} two`], [`${TS[0]} one`, `${TS[1]} two`, `${TS[2]} three`], 404]);
    const got: LogRecord[] = [];
    await followThroughApiserver(
      api.transport,
      target,
      { maxLineBytes: 1024, after: undefined, logger: silentLogger },
      new AbortController().signal,
      (r) => got.push(...r),
    );
    expect(got.map((r) => `${r.line} ${r.stream}`)).toEqual(['one stdout', 'two stdout', 'three stdout']);
    expect(api.paths[0]).toContain('tailLines=0');
    expect(api.paths[1]).toContain(`sinceTime=${encodeURIComponent(`${SECOND}Z`)}`);
    expect(api.paths).toHaveLength(3);
  });

  it('logs a refused read once by its status, never the apiserver text, and reads again after a pause', async () => {
    const paths: string[] = [];
    const transport = {
      stream(path: string): Promise<KubeStreamResponse> {
        paths.push(path);
        return Promise.resolve({ ok: false, status: 403, message: 'pods "web-0" is forbidden: secret-detail' });
      },
    };
    const { logger, warnings } = recordingLogger();
    const stop = new AbortController();
    const following = followThroughApiserver(
      transport,
      target,
      { maxLineBytes: 1024, after: undefined, logger },
      stop.signal,
      () => undefined,
    );
    await expect.poll(() => paths.length, { timeout: 3_000 }).toBe(2);
    stop.abort();
    await following;
    expect(warnings.map((w) => w.fields)).toEqual([{ target: 'acme/web-0/app', status: '403' }]);
    expect(warnings[0]?.message).toContain('pods/log failed');
    expect(JSON.stringify(warnings)).not.toContain('secret-detail');
  });

  it('logs a network failure by its code, never its message', async () => {
    const transport = {
      stream(): Promise<KubeStreamResponse> {
        return Promise.reject(Object.assign(new Error('connect to 10.0.0.1 with token secret-detail'), { code: 'ECONNRESET' }));
      },
    };
    const { logger, warnings } = recordingLogger();
    const stop = new AbortController();
    const following = followThroughApiserver(
      transport,
      target,
      { maxLineBytes: 1024, after: undefined, logger },
      stop.signal,
      () => undefined,
    );
    await expect.poll(() => warnings.length).toBe(1);
    stop.abort();
    await following;
    expect(warnings[0]?.fields).toEqual({ target: 'acme/web-0/app', status: 'ECONNRESET' });
    expect(JSON.stringify(warnings)).not.toContain('secret-detail');
  });
});

describe('the backlog of containers without an agent', () => {
  const pods: PodMetadata[] = [
    { namespace: 'acme', name: 'web-0', node: 'node-2', labels: {}, containers: ['app'] },
    { namespace: 'acme', name: 'web-1', node: 'node-2', labels: {}, containers: ['app'] },
    { namespace: 'acme', name: 'api-0', node: 'node-1', labels: {}, containers: ['app'] },
  ];
  const lines = [`${TS[0]} one`, `${TS[1]} two`, `${TS[2]} ERROR three`, `${TS[3]} four`];
  const depsOf = (transport: Parameters<typeof apiserverBacklog>[3]['transport'], concurrency = 8) => ({
    transport,
    pods: { get: () => Promise.resolve(undefined), list: () => Promise.resolve(pods) },
    registered: (node: string) => node === 'node-1',
    maxLineBytes: 1024,
    concurrency,
  });
  const read = async (options: Parameters<typeof apiserverBacklog>[1], selector: Record<string, unknown> = { namespace: 'acme' }) => {
    const api = fakeApiserver([lines, lines]);
    const deps = depsOf(api.transport);
    const backlog = await apiserverBacklog(AgentPodSelectorSchema.parse(selector), options, new AbortController().signal, deps);
    const records: LogRecord[] = [];
    for (const input of backlog.inputs) for await (const page of input) records.push(...page);
    return { targets: backlog.targets.map((t) => t.pod), paths: api.paths, records };
  };

  it('reads the tail of each container on a node without an agent, with its cursors and the selector’s filter', async () => {
    const tail = await read({ tail: 2 }, { namespace: 'acme', pod: 'web-0', include: ['ERROR|four'] });
    expect(tail.targets).toEqual(['web-0']);
    expect(tail.paths).toEqual([expect.stringContaining('tailLines=2')]);
    const clock = new CursorClock();
    const cursors = TS.map((ts) => clock.next(toEpochNanos(ts)!));
    expect(tail.records.map((r) => [r.line, r.cursor])).toEqual([
      ['ERROR three', cursors[2]],
      ['four', cursors[3]],
    ]);
  });

  it('resumes after the cursor of each container it names, and reads none it does not name', async () => {
    const clock = new CursorClock();
    const cursors = TS.map((ts) => clock.next(toEpochNanos(ts)!));
    const resumed = await read({ after: { byTarget: new Map([['acme/web-0/app', cursors[1]!]]) } });
    expect(resumed.targets).toEqual(['web-0']);
    expect(resumed.paths).toEqual([expect.stringContaining(`sinceTime=${encodeURIComponent(`${SECOND}Z`)}`)]);
    expect(resumed.records.map((r) => r.line)).toEqual(['ERROR three', 'four']);
  });

  it('opens at most `concurrency` reads at once, the next when one gave its first page', async () => {
    const api = fakeApiserver([lines, lines]);
    const opened: string[] = [];
    const held: (() => void)[] = [];
    const transport = {
      stream: (path: string): Promise<KubeStreamResponse> => {
        opened.push(path);
        return new Promise((resolve) => held.push(() => resolve(api.transport.stream(path))));
      },
    };
    const backlog = await apiserverBacklog(
      AgentPodSelectorSchema.parse({ namespace: 'acme' }),
      { tail: 2 },
      new AbortController().signal,
      depsOf(transport, 1),
    );
    expect(backlog.targets.map((t) => t.pod)).toEqual(['web-0', 'web-1']);
    const heads = backlog.inputs.map((input) => input[Symbol.asyncIterator]().next());
    await expect.poll(() => opened.length).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(opened).toHaveLength(1);
    held.shift()?.();
    await heads[0];
    await expect.poll(() => opened.length).toBe(2);
    held.shift()?.();
    expect((await heads[1]!).done).toBe(false);
  });

  it('fails with upstream_unavailable on a refused read, naming its status and not the apiserver text; a container with nothing to read gives nothing', async () => {
    const refusing = (status: number) => ({
      stream: (): Promise<KubeStreamResponse> => Promise.resolve({ ok: false, status, message: 'forbidden: secret-detail' }),
    });
    const selector = AgentPodSelectorSchema.parse({ namespace: 'acme', pod: 'web-0' });
    const forbidden = await apiserverBacklog(selector, { tail: 2 }, new AbortController().signal, depsOf(refusing(403)));
    const failure = await forbidden.inputs[0]![Symbol.asyncIterator]()
      .next()
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(isPluginError(failure) && failure.code).toBe('upstream_unavailable');
    expect((failure as { details?: unknown }).details).toEqual({ status: 403 });
    expect(String((failure as Error).message)).not.toContain('secret-detail');
    for (const status of [400, 404]) {
      const nothing = await apiserverBacklog(selector, { tail: 2 }, new AbortController().signal, depsOf(refusing(status)));
      expect((await nothing.inputs[0]![Symbol.asyncIterator]().next()).done).toBe(true);
    }
  });
});

describe('ApiserverFallback', () => {
  const pods: PodMetadata[] = [
    { namespace: 'acme', name: 'web-0', node: 'node-2', labels: {}, containers: ['app', 'sidecar'] },
    { namespace: 'acme', name: 'web-1', node: 'node-1', labels: {}, containers: ['app'] },
    { namespace: 'acme', name: 'pending', labels: {}, containers: ['app'] },
    { namespace: 'other', name: 'db-0', node: 'node-2', labels: {}, containers: ['app'] },
  ];

  it('follows the selected containers of nodes without a live agent, until their agent delivers or the pod goes', async () => {
    const registered = new Set(['node-1']);
    const delivered = new Set<string>();
    const events: string[] = [];
    const sink: FallbackSink = {
      lastCursor: () => undefined,
      agentDeliveredSince: (key) => delivered.has(key),
      started: (t) => events.push(`started ${t.pod}/${t.container}@${t.node}`),
      records: () => undefined,
      gone: (t) => events.push(`gone ${t.pod}/${t.container}`),
    };
    const listed = [...pods];
    const fallback = new ApiserverFallback(
      AgentPodSelectorSchema.parse({ namespace: 'acme', container: 'app' }),
      {
        transport: { stream: () => new Promise(() => undefined) },
        pods: { get: () => Promise.resolve(undefined), list: () => Promise.resolve(listed) },
        registered: (n) => registered.has(n),
        rescanMs: 10,
        maxLineBytes: 1024,
        maxFollows: 10,
        concurrency: 8,
        logger: silentLogger,
      },
      sink,
    );
    await fallback.route();
    expect(events).toEqual(['started web-0/app@node-2']);
    expect(fallback.followed()).toHaveLength(1);
    // Its agent appears: the follow goes on until the agent delivered a record of it.
    registered.add('node-2');
    await fallback.route();
    expect(fallback.followed()).toHaveLength(1);
    delivered.add(fallback.followed()[0]!);
    await fallback.route();
    expect(fallback.followed()).toEqual([]);
    // The agent goes silent: followed again; then the pod goes.
    registered.delete('node-2');
    await fallback.route();
    expect(fallback.followed()).toHaveLength(1);
    listed.splice(0, 1);
    await fallback.route();
    expect(fallback.followed()).toEqual([]);
    expect(events.at(-1)).toBe('gone web-0/app');
    const stopped = new AbortController();
    const running = fallback.run(stopped.signal, silentLogger);
    stopped.abort();
    await running;
  });

  it('follows at most maxFollows containers of a run, logs once that the rest wait, and takes one up when a follow ends', async () => {
    const started: string[] = [];
    const sink: FallbackSink = {
      lastCursor: () => undefined,
      agentDeliveredSince: () => false,
      started: (t) => started.push(`${t.pod}/${t.container}`),
      records: () => undefined,
      gone: () => undefined,
    };
    const { logger, warnings } = recordingLogger();
    const listed = [...pods];
    const fallback = new ApiserverFallback(
      AgentPodSelectorSchema.parse({}),
      {
        transport: { stream: () => new Promise(() => undefined) },
        pods: { get: () => Promise.resolve(undefined), list: () => Promise.resolve(listed) },
        registered: () => false,
        rescanMs: 10,
        maxLineBytes: 1024,
        maxFollows: 2,
        concurrency: 8,
        logger,
      },
      sink,
    );
    await fallback.route();
    await fallback.route();
    expect(started).toEqual(['web-0/app', 'web-0/sidecar']);
    expect(fallback.followed()).toHaveLength(2);
    expect(warnings.map((w) => w.fields)).toEqual([{ max: 2 }]);
    expect(warnings[0]?.message).toContain('the rest wait');
    listed.splice(0, 1);
    await fallback.route();
    expect(started).toEqual(['web-0/app', 'web-0/sidecar', 'web-1/app', 'db-0/app']);
    expect(fallback.followed()).toHaveLength(2);
  });
});
