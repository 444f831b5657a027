// With routing auto, the backlog (tail, since, resume) of containers on nodes without a live agent
// is read through the apiserver's pods/log (no follow, timestamps on), with the cursors the agent
// would give, so a listener's history and resume do not depend on which source serves a pod:
// `tail` as tailLines, `since` as sinceTime at its second with earlier lines left out, a resume
// cursor as sinceTime at the cursor's second with the lines up to it left out. A target the resume
// names no cursor for gives nothing (as the agents' files do). The selector's line filter applies
// in the gateway; every line is labelled stdout (the apiserver merges the streams).
import type { KubeTransport } from '@tailgate/kube';
import {
  type BacklogOptions,
  dateToEpochNanos,
  LineSplitter,
  type LogRecord,
  type PodMetadataService,
  type TargetRef,
  targetKey,
} from '@tailgate/plugin-sdk';

import type { AgentPodSelector } from './agent-pod-selector';
import { selectedContainers } from './apiserver-fallback';
import { ResumingCursors, timestampedRecord } from './apiserver-log-follower';
import { compileLineFilter } from './line-filter';

export interface ApiserverBacklogDeps {
  readonly transport: Pick<KubeTransport, 'stream'>;
  readonly pods: PodMetadataService;
  readonly registered: (node: string) => boolean;
  readonly maxLineBytes: number;
}

export interface ApiserverBacklog {
  readonly targets: TargetRef[];
  readonly inputs: AsyncIterable<readonly LogRecord[]>[];
}

export async function apiserverBacklog(
  selector: AgentPodSelector,
  options: BacklogOptions,
  signal: AbortSignal,
  deps: ApiserverBacklogDeps,
): Promise<ApiserverBacklog> {
  const pods = (await deps.pods.list?.()) ?? [];
  const targets = pods.flatMap((pod) => selectedContainers(selector, pod)).filter((target) => !deps.registered(target.node ?? ''));
  const filter = compileLineFilter(selector);
  const inputs: AsyncIterable<readonly LogRecord[]>[] = [];
  const served: TargetRef[] = [];
  for (const target of targets) {
    const after = options.after && (options.after.byTarget.get(targetKey(target)) ?? options.after.otherwise);
    if (options.after !== undefined && after === undefined) continue;
    served.push(target);
    const read = readContainer(deps, target, { ...options, after }, signal);
    inputs.push(filter === undefined ? read : filtered(read, filter));
  }
  return { targets: served, inputs };
}

async function* filtered(
  pages: AsyncIterable<readonly LogRecord[]>,
  keep: (record: LogRecord) => boolean,
): AsyncGenerator<readonly LogRecord[]> {
  for await (const page of pages) {
    const kept = page.filter(keep);
    if (kept.length > 0) yield kept;
  }
}

function backlogPath(target: TargetRef, options: { tail?: number; since?: Date }, after: string | undefined): string {
  const params = new URLSearchParams({ container: target.container, timestamps: 'true' });
  const sinceNanos = after?.slice(0, 20) ?? (options.since && dateToEpochNanos(options.since));
  if (sinceNanos !== undefined) params.set('sinceTime', `${new Date(Number(sinceNanos.slice(0, 11)) * 1000).toISOString().slice(0, 19)}Z`);
  if (options.tail !== undefined && after === undefined) params.set('tailLines', String(options.tail));
  return `/api/v1/namespaces/${encodeURIComponent(target.namespace)}/pods/${encodeURIComponent(target.pod)}/log?${params.toString()}`;
}

/** One container's lines in the window, a page per chunk read; a refused read gives nothing. */
async function* readContainer(
  deps: ApiserverBacklogDeps,
  target: TargetRef,
  options: { tail?: number; since?: Date; after: string | undefined },
  signal: AbortSignal,
): AsyncGenerator<readonly LogRecord[]> {
  const response = await deps.transport.stream(backlogPath(target, options, options.after), signal);
  if (!response.ok) return;
  const cursors = new ResumingCursors(options.after);
  cursors.beginRead();
  const notBefore = options.after === undefined && options.since !== undefined ? dateToEpochNanos(options.since) : undefined;
  const splitter = new LineSplitter(deps.maxLineBytes);
  try {
    for await (const chunk of response.body) {
      const page: LogRecord[] = [];
      splitter.push(chunk as Buffer, (line) => {
        const record = timestampedRecord(line, target, cursors, notBefore);
        if (record !== undefined) page.push(record);
      });
      if (page.length > 0) yield page;
    }
  } finally {
    response.body.destroy();
  }
}
