// With routing auto, the backlog (tail, since, resume) of containers on nodes without a live agent
// is read through the apiserver's pods/log (no follow, timestamps on), with the cursors the agent
// would give, so a listener's history and resume do not depend on which source serves a pod:
// `tail` as tailLines, `since` as sinceTime at its second with earlier lines left out, a resume
// cursor as sinceTime at the cursor's second with the lines up to it left out. A target the resume
// names no cursor for gives nothing (as the agents' files do). The selector's line filter applies
// in the gateway; every line is labelled stdout (the apiserver merges the streams). At most
// `concurrency` reads are being opened at once (a namespace-wide backlog during an agent outage
// must not open one request per container at the same instant). A container with nothing to read
// (400: not started; 404: pod gone meanwhile) has no backlog, as in kube-pod-logs; any other refusal
// fails the backlog with upstream_unavailable, its status as the detail, never the apiserver's text.
import { type KubeTransport, RequestSlots } from '@tailgate/kube';
import {
  type BacklogOptions,
  dateToEpochNanos,
  LineSplitter,
  type LogRecord,
  type PodMetadataService,
  type TargetRef,
  targetKey,
  UpstreamUnavailableError,
} from '@tailgate/plugin-sdk';

import type { AgentPodSelector } from './agent-pod-selector';
import { selectedContainers } from './apiserver-fallback';
import { ResumingCursors, sinceTimeOf, timestampedRecord } from './apiserver-log-follower';
import { compileLineFilter } from './line-filter';

export interface ApiserverBacklogDeps {
  readonly transport: Pick<KubeTransport, 'stream'>;
  readonly pods: PodMetadataService;
  readonly registered: (node: string) => boolean;
  readonly maxLineBytes: number;
  /** pods/log reads of one backlog being opened at once (apiserverConcurrency). */
  readonly concurrency: number;
}

/** Statuses of a read that means "nothing to read here", not a failure. */
const NOTHING_TO_READ = new Set([400, 404]);

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
  const slots = new RequestSlots(deps.concurrency);
  for (const target of targets) {
    const after = options.after && (options.after.byTarget.get(targetKey(target)) ?? options.after.otherwise);
    if (options.after !== undefined && after === undefined) continue;
    served.push(target);
    const read = readContainer(deps, target, { ...options, after }, signal, slots);
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
  if (sinceNanos !== undefined) params.set('sinceTime', sinceTimeOf(sinceNanos));
  if (options.tail !== undefined && after === undefined) params.set('tailLines', String(options.tail));
  return `/api/v1/namespaces/${encodeURIComponent(target.namespace)}/pods/${encodeURIComponent(target.pod)}/log?${params.toString()}`;
}

/**
 * One container's lines in the window, a page per chunk read. Its slot is held until the first
 * page or the end: opening is what costs the apiserver, and a read merged oldest first may wait.
 */
async function* readContainer(
  deps: ApiserverBacklogDeps,
  target: TargetRef,
  options: { tail?: number; since?: Date; after: string | undefined },
  signal: AbortSignal,
  slots: RequestSlots,
): AsyncGenerator<readonly LogRecord[]> {
  const release = await slots.acquire();
  try {
    yield* readOpened(deps, target, options, signal, release);
  } finally {
    release();
  }
}

async function* readOpened(
  deps: ApiserverBacklogDeps,
  target: TargetRef,
  options: { tail?: number; since?: Date; after: string | undefined },
  signal: AbortSignal,
  release: () => void,
): AsyncGenerator<readonly LogRecord[]> {
  const response = await deps.transport.stream(backlogPath(target, options, options.after), signal);
  if (!response.ok) {
    if (NOTHING_TO_READ.has(response.status)) return;
    throw new UpstreamUnavailableError('the apiserver refused a pods/log read of the backlog', { details: { status: response.status } });
  }
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
      release();
      if (page.length > 0) yield page;
    }
  } finally {
    response.body.destroy();
  }
}
