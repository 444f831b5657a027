import type { PodMetadata } from '@tailgate/plugin-sdk';
import { silentLogger } from '@tailgate/plugin-sdk';
import { describe, expect, it } from 'vitest';

import { errorForStatus } from './kube-errors';
import { type PodSink, type PodTransport, runPodListWatch } from './pod-list-watch';

const pod = (name: string, rv: string, labels: Record<string, string> = {}) => ({
  metadata: { name, namespace: 'ns', resourceVersion: rv, labels },
  spec: { nodeName: 'n1' },
});

/** Plays scripted answers: lists by call order, watches as event arrays or a thrown error. */
function scripted(lists: unknown[], watches: (unknown[] | Error)[], controller: AbortController) {
  const calls: string[] = [];
  const transport: PodTransport = {
    json: (_method: string, path: string, schema: { parse(v: unknown): unknown }) => {
      calls.push(path);
      return Promise.resolve(schema.parse(lists.shift())) as never;
    },
    async *watch(path: string) {
      calls.push(path);
      const next = watches.shift();
      if (next === undefined) {
        controller.abort();
        throw new Error('aborted');
      }
      if (next instanceof Error) throw next;
      yield* next;
    },
  };
  return { transport, calls };
}

function recordingSink() {
  const state = new Map<string, PodMetadata>();
  const log: string[] = [];
  const sink: PodSink = {
    replace: (_ns, pods) => {
      state.clear();
      for (const p of pods) state.set(p.name, p);
      log.push(`replace ${pods.map((p) => p.name).join(',')}`);
    },
    upsert: (p) => void (state.set(p.name, p), log.push(`upsert ${p.name}`)),
    remove: (_ns, name) => void (state.delete(name), log.push(`remove ${name}`)),
  };
  return { sink, state, log };
}

const options = { namespace: 'ns', watchTimeoutSeconds: 60, retryDelayMs: 1, logger: silentLogger };

describe('runPodListWatch', () => {
  it('re-watches from the last version after a clean close and a bookmark', async () => {
    const controller = new AbortController();
    const list = { metadata: { resourceVersion: '10' }, items: [pod('a', '9')] };
    const { transport, calls } = scripted(
      [list],
      [
        [
          { type: 'MODIFIED', object: pod('a', '11', { x: 'y' }) },
          { type: 'BOOKMARK', object: { metadata: { resourceVersion: '15' } } },
        ],
        [],
      ],
      controller,
    );
    const { sink, state } = recordingSink();
    await runPodListWatch(transport, sink, controller.signal, options);
    expect(calls.filter((c) => c.includes('watch=1')).map((c) => new URLSearchParams(c.split('?')[1]).get('resourceVersion'))).toEqual([
      '10',
      '15',
      '15',
    ]);
    expect(state.get('a')?.labels).toEqual({ x: 'y' });
  });

  it('lists again on 410 Gone, as an HTTP status or as an ERROR event, dropping pods deleted meanwhile', async () => {
    const controller = new AbortController();
    const lists = [
      { metadata: { resourceVersion: '10' }, items: [pod('a', '9'), pod('b', '9')] },
      { metadata: { resourceVersion: '20' }, items: [pod('a', '19')] },
      { metadata: { resourceVersion: '30' }, items: [pod('c', '29')] },
    ];
    const { transport, calls } = scripted(
      lists,
      [errorForStatus(410, 'WATCH /pods'), [{ type: 'ERROR', object: { kind: 'Status', code: 410 } }]],
      controller,
    );
    const { sink, state, log } = recordingSink();
    await runPodListWatch(transport, sink, controller.signal, options);
    expect(log).toEqual(['replace a,b', 'replace a', 'replace c']);
    expect([...state.keys()]).toEqual(['c']);
    expect(calls.filter((c) => !c.includes('watch=1'))).toHaveLength(3);
  });

  it('applies deletes and follows list pages', async () => {
    const controller = new AbortController();
    const lists = [
      { metadata: { resourceVersion: '5', continue: 'next' }, items: [pod('a', '1')] },
      { metadata: { resourceVersion: '5' }, items: [pod('b', '2')] },
    ];
    const { transport, calls } = scripted(lists, [[{ type: 'DELETED', object: pod('a', '6') }]], controller);
    const { sink, state } = recordingSink();
    await runPodListWatch(transport, sink, controller.signal, options);
    expect(calls[1]).toContain('continue=next');
    expect([...state.keys()]).toEqual(['b']);
  });
});
