// The gateway side of the flow tap registered as the host does it (registerForTest), on in-memory
// shared state, bus, pod metadata and metrics, with the ingest endpoint captured from its mount:
// specs post bodies and read the `flows` stream as a shipper and a listener would.
import type { AccessReviewStatus, KubeApi, SubjectAccessReviewSpec } from '@tailgate/kube';
import { kubeServiceRef } from '@tailgate/kube';
import {
  definePlugin,
  logBusServiceRef,
  type LogSource,
  MemoryPluginMetrics,
  MemorySharedState,
  type PluginHttpHandler,
  type PluginHttpResponse,
  pluginHttpServiceRef,
  pluginMetricsServiceRef,
  type PodMetadata,
  podMetadataServiceRef,
  sharedStateServiceRef,
} from '@tailgate/plugin-sdk';
import {
  type MemoryPluginBus,
  memoryPluginBus,
  type MemoryPodMetadata,
  memoryPodMetadata,
  registerForTest,
  type RegisteredPlugin,
} from '@tailgate/plugin-sdk/testing';

import { FlowTapConfigSchema } from '../flow-tap-config';
import type { FlowSelector } from '../flow-selector';
import { readIngestBody } from '../ingest';
import { type ReadIngestBody } from '../ingest-endpoint';
import { registerFlowTapGateway } from '../register-flow-tap';
import { TAP_USERNAME, newTapCredential, storedCredential } from '../tap-credential';
import { type TapRef } from '../tap-ref';
import { credentialKey } from '../tap-state';

/** A KubeApi whose SubjectAccessReviews answer from `allowed`; other calls are not made by the flow tap. */
export interface FakeKube extends KubeApi {
  readonly reviews: SubjectAccessReviewSpec[];
  answer: (spec: SubjectAccessReviewSpec) => AccessReviewStatus;
}

export function fakeKube(): FakeKube {
  const unused = (): never => {
    throw new Error('not used by the flow tap');
  };
  const kube: FakeKube = {
    reviews: [],
    answer: () => ({ allowed: false, denied: false }),
    async subjectAccessReview(spec) {
      kube.reviews.push(spec);
      return kube.answer(spec);
    },
    tokenReview: unused,
    selfSubjectAccessReview: unused,
    selfSubjectRulesReview: unused,
  };
  return kube;
}

export interface HarnessOptions {
  readonly config?: Record<string, unknown>;
  readonly pods?: readonly PodMetadata[];
  /** False: the host has no Kubernetes API. */
  readonly kube?: boolean;
  /** False: a worker process (no plugin HTTP). */
  readonly http?: boolean;
  readonly readBody?: ReadIngestBody;
}

export interface PostOptions {
  readonly method?: string;
  /** null: no Authorization header. */
  readonly password?: string | null;
  readonly username?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface FlowTapHarness {
  readonly registered: RegisteredPlugin;
  /** `flow-tap.flows`; undefined in a worker. */
  readonly source: LogSource<FlowSelector> | undefined;
  readonly handler: PluginHttpHandler | undefined;
  readonly bus: MemoryPluginBus;
  readonly state: MemorySharedState;
  readonly pods: MemoryPodMetadata;
  readonly metrics: MemoryPluginMetrics;
  readonly kube: FakeKube;
  /** Times the source asked for a reconcile. */
  readonly reconciles: () => number;
  /** Gives the tap a credential, as reconcile does when it creates the Output; returns its password. */
  grant(tap: TapRef): Promise<string>;
  post(path: string, body: string, options?: PostOptions): Promise<PluginHttpResponse>;
}

export async function flowTapHarness(options: HarnessOptions = {}): Promise<FlowTapHarness> {
  const bus = memoryPluginBus();
  const state = new MemorySharedState();
  const pods = memoryPodMetadata(options.pods);
  const metrics = new MemoryPluginMetrics();
  const kube = fakeKube();
  const mounted = new Map<string, PluginHttpHandler>();
  let reconciles = 0;
  const jobs = { reconcileSoon: async () => void reconciles++, reconcileLater: async () => void reconciles++ };
  const plugin = definePlugin({
    id: 'flow-tap',
    description: 'flow-tap gateway part under test',
    configSchema: FlowTapConfigSchema,
    register: (ctx) => registerFlowTapGateway(ctx, jobs, options.readBody ?? readIngestBody),
  });
  const registered = await registerForTest(plugin, options.config ?? {}, {
    [sharedStateServiceRef.id]: state,
    [logBusServiceRef.id]: bus,
    [podMetadataServiceRef.id]: pods,
    [pluginMetricsServiceRef.id]: metrics,
    ...(options.kube !== false && { [kubeServiceRef.id]: kube }),
    ...(options.http !== false && {
      [pluginHttpServiceRef.id]: { mount: (id: string, handler: PluginHttpHandler) => mounted.set(id, handler) },
    }),
  });
  const handler = mounted.get('flow-tap');
  return {
    registered,
    source: registered.sources[0] as LogSource<FlowSelector> | undefined,
    handler,
    bus,
    state,
    pods,
    metrics,
    kube,
    reconciles: () => reconciles,
    async grant(tap) {
      const credential = newTapCredential();
      await state.set(credentialKey(tap), JSON.stringify(storedCredential(credential)));
      return credential.password;
    },
    post(path, body, post = {}) {
      if (handler === undefined) throw new Error('no ingest endpoint mounted');
      const authorization =
        post.password === null || post.password === undefined
          ? undefined
          : `Basic ${Buffer.from(`${post.username ?? TAP_USERNAME}:${post.password}`).toString('base64')}`;
      return handler({
        method: post.method ?? 'POST',
        path,
        headers: { 'content-type': 'application/x-ndjson', ...(authorization && { authorization }), ...post.headers },
        body: (async function* () {
          yield Buffer.from(body);
        })(),
        signal: new AbortController().signal,
      });
    },
  };
}

/** One fluent-bit record as fluentd's json formatter posts it (containerd's `cri` parser keys). */
export function fluentRecord(pod: {
  namespace: string;
  pod: string;
  container?: string;
  message: string;
  time?: string;
  labels?: Record<string, string>;
  host?: string;
}): string {
  return JSON.stringify({
    ...(pod.time !== undefined && { time: pod.time }),
    stream: 'stdout',
    logtag: 'F',
    message: pod.message,
    kubernetes: {
      pod_name: pod.pod,
      namespace_name: pod.namespace,
      container_name: pod.container ?? 'app',
      host: pod.host ?? 'node-from-body',
      labels: pod.labels ?? {},
    },
  });
}
