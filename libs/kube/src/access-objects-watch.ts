// Watches what Kubernetes authorization is made of — Roles, ClusterRoles, RoleBindings,
// ClusterRoleBindings — and ServiceAccounts, one list+watch loop per kind across all namespaces,
// and reports each change as the AccessChange it can cause. Nothing is kept but the
// ServiceAccounts' names, so a re-list can tell which ones went away meanwhile. A re-list may
// hide any number of changes and counts as a change to the whole cluster; the first list does
// not, when it comes before anything is decided (`listed()`, awaited before the gateway listens).
import { type PluginLogger, type PolicyRule, silentLogger } from '@tailgate/plugin-sdk';
import { z } from 'zod';

import type { AccessChange } from './access-change';
import { type ListWatchSink, type ListWatchTransport, runListWatch } from './list-watch';

/** What the watches need; part of the kube-rbac plugin's declared RBAC, so of the gateway's ClusterRole. */
export const ACCESS_WATCH_RULES: readonly PolicyRule[] = [
  {
    apiGroups: ['rbac.authorization.k8s.io'],
    resources: ['clusterrolebindings', 'clusterroles', 'rolebindings', 'roles'],
    verbs: ['list', 'watch'],
  },
  { apiGroups: [''], resources: ['serviceaccounts'], verbs: ['list', 'watch'] },
];

export interface AccessObjectsWatchOptions {
  /** Server-side watch timeout; the watch is re-opened from the last version after it. Default 300 s. */
  readonly watchTimeoutSeconds?: number;
  /** Pause before retrying after an error other than 410 Gone (doubling up to 30 s). Default 1 s. */
  readonly retryDelayMs?: number;
  readonly logger?: PluginLogger;
}

const ObjectSchema = z.object({
  metadata: z.object({
    name: z.string(),
    namespace: z.string().optional(),
    uid: z.string().optional(),
    resourceVersion: z.string().optional(),
  }),
});
type KubeObject = z.output<typeof ObjectSchema>;

const RBAC = '/apis/rbac.authorization.k8s.io/v1';
const SERVICE_ACCOUNTS = '/api/v1/serviceaccounts';
const RBAC_KINDS = [
  { path: `${RBAC}/clusterroles`, what: 'ClusterRoles' },
  { path: `${RBAC}/clusterrolebindings`, what: 'ClusterRoleBindings' },
  { path: `${RBAC}/roles`, what: 'Roles' },
  { path: `${RBAC}/rolebindings`, what: 'RoleBindings' },
] as const;

export class AccessObjectsWatch {
  private readonly listeners = new Set<(change: AccessChange) => void>();
  /** ServiceAccounts by uid, as their user names. */
  private readonly serviceAccounts = new Map<string, string>();
  private controller: AbortController | undefined;
  private loops: Promise<void>[] = [];
  /** Paths listed at least once. */
  private readonly listedPaths = new Set<string>();
  private readonly firstLists: Promise<void>[] = [];
  /** Set when `listed()` gave up waiting: from then on a first list is a change too. */
  private late = false;

  constructor(
    private readonly http: ListWatchTransport,
    private readonly options: AccessObjectsWatchOptions = {},
  ) {}

  /** Starts the loops; idempotent. */
  start(): void {
    if (this.controller) return;
    const { signal } = (this.controller = new AbortController());
    const { watchTimeoutSeconds = 300, retryDelayMs = 1_000, logger = silentLogger } = this.options;
    const run = (path: string, what: string, sink: ListWatchSink<KubeObject>) =>
      runListWatch(this.http, this.noticingLists(path, sink), signal, {
        path,
        what,
        schema: ObjectSchema,
        watchTimeoutSeconds,
        retryDelayMs,
        logger,
      });
    this.loops = [
      ...RBAC_KINDS.map(({ path, what }) => run(path, what, this.rbacSink(path))),
      run(SERVICE_ACCOUNTS, 'ServiceAccounts', this.serviceAccountSink()),
    ];
  }

  /** Resolves true once every kind has been listed, false after `timeoutMs` (a first list then counts as a change). */
  async listed(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const listed = await Promise.race([Promise.all(this.firstLists).then(() => true), timeout]);
    clearTimeout(timer);
    this.late ||= !listed;
    return listed;
  }

  async stop(): Promise<void> {
    this.controller?.abort();
    await Promise.all(this.loops);
  }

  /** Observes every change; returns the unsubscribe. */
  onChange(listener: (change: AccessChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Wraps a sink to resolve its first list's promise. */
  private noticingLists(path: string, sink: ListWatchSink<KubeObject>): ListWatchSink<KubeObject> {
    let firstListed!: () => void;
    this.firstLists.push(new Promise<void>((resolve) => (firstListed = resolve)));
    return {
      ...sink,
      replace: (items) => {
        sink.replace(items);
        this.listedPaths.add(path);
        firstListed();
      },
    };
  }

  private rbacSink(path: string): ListWatchSink<KubeObject> {
    const changed = ({ metadata }: KubeObject) =>
      this.emit(metadata.namespace === undefined ? { kind: 'cluster' } : { kind: 'namespace', namespace: metadata.namespace });
    const relisted = () => (this.listedPaths.has(path) || this.late) && this.emit({ kind: 'cluster' });
    return { replace: relisted, upsert: changed, remove: changed };
  }

  private serviceAccountSink(): ListWatchSink<KubeObject> {
    return {
      replace: (items) => {
        const present = new Set(items.map((item) => item.metadata.uid));
        for (const [uid, user] of this.serviceAccounts) if (!present.has(uid)) this.deleted(uid, user);
        for (const item of items) this.remember(item);
      },
      upsert: (item) => this.remember(item),
      remove: ({ metadata }) => {
        if (metadata.uid === undefined || metadata.namespace === undefined) return;
        this.deleted(metadata.uid, serviceAccountUser(metadata.namespace, metadata.name));
      },
    };
  }

  private remember({ metadata }: KubeObject): void {
    if (metadata.uid !== undefined && metadata.namespace !== undefined) {
      this.serviceAccounts.set(metadata.uid, serviceAccountUser(metadata.namespace, metadata.name));
    }
  }

  private deleted(uid: string, user: string): void {
    this.serviceAccounts.delete(uid);
    this.emit({ kind: 'identity-deleted', user, uid });
  }

  private emit(change: AccessChange): void {
    for (const listener of this.listeners) listener(change);
  }
}

/** The user name of a ServiceAccount's tokens. */
export function serviceAccountUser(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}
