// The demo's make-believe cluster: pods with labels in two team namespaces, users on
// different teams, and the configuration that ties them to the bundled plugins. Also used by
// the end-to-end tests, so what the README shows is what the tests check.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { parseConfig, type TailgateConfig } from '@tailgate/config';

export interface DemoPod {
  readonly namespace: string;
  readonly name: string;
  readonly container: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface DemoUser {
  readonly name: string;
  readonly groups: readonly string[];
}

export const DEMO_PODS: readonly DemoPod[] = [
  { namespace: 'team-a', name: 'checkout-api', container: 'api', labels: { app: 'checkout', 'rbac/policy': 'allow' } },
  {
    namespace: 'team-a',
    name: 'payments-worker',
    container: 'worker',
    labels: { app: 'payments', 'rbac/policy': 'deny', 'rbac/alice': 'allow' },
  },
  { namespace: 'team-b', name: 'web-frontend', container: 'nginx', labels: { app: 'web', 'rbac/policy': 'allow' } },
  { namespace: 'team-b', name: 'search-indexer', container: 'indexer', labels: { app: 'search', 'rbac/policy': 'allow' } },
];

export const DEMO_USERS: readonly DemoUser[] = [
  { name: 'alice', groups: ['team-a'] },
  { name: 'carol', groups: ['team-a'] },
  { name: 'bob', groups: ['team-b'] },
];

export interface DemoWorld {
  readonly dir: string;
  readonly podsRoot: string;
  /** User name → bearer token. */
  readonly tokens: Readonly<Record<string, string>>;
  /** The "apiserver's" pod list; rewrite it to change labels. */
  readonly podFile: string;
  readonly config: TailgateConfig;
}

export function writePodFile(podFile: string, pods: readonly DemoPod[]): void {
  const list = pods.map(({ namespace, name, container, labels }) => ({
    namespace,
    name,
    node: 'demo-node',
    labels,
    containers: [container],
  }));
  writeFileSync(podFile, `${JSON.stringify(list, null, 2)}\n`);
}

export interface DemoWorldOptions {
  readonly port?: number;
  readonly host?: string;
  readonly redisUrl?: string;
  /** Prefix of this gateway's Redis keys and channels; default the built-in one. */
  readonly redisKeyPrefix?: string;
  readonly nodeFile?: Readonly<Record<string, unknown>>;
  readonly streams?: Readonly<Record<string, unknown>>;
  /** Overrides of the `access` settings (re-check interval, TTL, …). */
  readonly access?: Readonly<Record<string, unknown>>;
  /** The `quotas` settings; default: the built-in ones. */
  readonly quotas?: Readonly<Record<string, unknown>>;
  /** The `connections` limits; default: the built-in ones. */
  readonly connections?: Readonly<Record<string, unknown>>;
  /** `server.corsOrigins`; default none. */
  readonly corsOrigins?: readonly string[];
  readonly podMetadataReloadMs?: number;
  readonly logLevel?: string;
  /** The `audit` settings; default: off. */
  readonly audit?: Readonly<Record<string, unknown>>;
}

/** Writes the token file, the pod metadata and the pod log directory under `dir`. */
export function createDemoWorld(dir: string, options: DemoWorldOptions = {}): DemoWorld {
  const podsRoot = join(dir, 'pods');
  mkdirSync(podsRoot, { recursive: true });
  const tokens = Object.fromEntries(DEMO_USERS.map((user) => [user.name, randomBytes(18).toString('base64url')]));
  const tokenFile = join(dir, 'tokens.csv');
  const lines = DEMO_USERS.map((user, i) => `${tokens[user.name]},${user.name},uid-${i + 1},"${user.groups.join(',')}"`);
  writeFileSync(tokenFile, `${lines.join('\n')}\n`, { mode: 0o600 });
  const podFile = join(dir, 'pods.json');
  writePodFile(podFile, DEMO_PODS);
  writeFileSync(join(dir, 'users.json'), `${JSON.stringify(tokens, null, 2)}\n`, { mode: 0o600 });
  const parsed = parseConfig({
    server: {
      port: options.port ?? 8080,
      host: options.host ?? '127.0.0.1',
      ...(options.corsOrigins && { corsOrigins: options.corsOrigins }),
    },
    ...(options.connections && { connections: options.connections }),
    ...(options.redisUrl && { redis: { url: options.redisUrl, ...(options.redisKeyPrefix && { keyPrefix: options.redisKeyPrefix }) } }),
    ...(options.streams && { streams: options.streams }),
    ...(options.quotas && { quotas: options.quotas }),
    ...(options.audit && { audit: options.audit }),
    log: { level: options.logLevel ?? 'info' },
    podMetadata: { kind: 'file', path: podFile, reloadIntervalMs: options.podMetadataReloadMs ?? 500 },
    authentication: { authenticators: ['static-tokens.tokens'] },
    access: { chain: ['namespace-allowlist.namespaces', 'pod-label-policy.labels'], ...options.access },
    plugins: {
      'static-tokens': { file: tokenFile },
      'namespace-allowlist': {
        rules: [
          { groups: ['team-a'], namespaces: ['team-a'] },
          { groups: ['team-b'], namespaces: ['team-b'] },
        ],
      },
      'pod-label-policy': {},
      'node-file': { root: podsRoot, ...options.nodeFile },
    },
  });
  if (!parsed.ok) throw new Error(`demo configuration is invalid:\n${parsed.problems.join('\n')}`);
  return { dir, podsRoot, tokens, podFile, config: parsed.config };
}
