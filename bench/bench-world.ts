// The configuration a gateway under test runs with: the demo world (static tokens, namespace
// allowlist by team group, pod-label policy, node-file source) with the bench's own identities
// and pods. Each gateway gets its own directory for tokens and pod metadata, while node-file
// reads the CRI files the runner writes, so replicas in other processes read the same files.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { TailgateConfig } from '@tailgate/config';

import { createDemoWorld, DEMO_PODS, DEMO_USERS, type DemoPod, writePodFile } from '../apps/gateway/src/demo/demo-world';
import { evaluateLabels } from '../plugins/pod-label-policy/src/label-policy';

export interface BenchIdentity {
  readonly name: string;
  /** `team-a` or `team-b`: the namespace-allowlist lets a team group see its own namespace. */
  readonly groups: readonly string[];
  readonly token: string;
}

export interface WorldSpec {
  /** Where the runner's CRI writers put the pod logs (node-file's root). */
  readonly podsRoot: string;
  /** Pod metadata the pod-label policy judges by, besides the demo's four pods. */
  readonly pods: readonly DemoPod[];
  readonly identities: readonly BenchIdentity[];
  readonly redis?: { readonly url: string; readonly keyPrefix?: string };
  readonly nodeFile?: Readonly<Record<string, unknown>>;
  readonly streams?: Readonly<Record<string, unknown>>;
}

export const STREAM_DEFAULTS = { maxBatchRecords: 100, maxBatchWaitMs: 10 } as const;

/** The bench opens up to thousands of subscriptions per user within seconds; quotas are not what it measures. */
const NO_QUOTAS = { user: { maxSubscriptions: 1_000_000, maxStreams: 1_000_000, subscribesPerMinute: 1_000_000 } } as const;
/** Nor connection limits: every bench client comes from one address, and one identity may hold many connections. */
const NO_CONNECTION_LIMITS = { perAddressPerMinute: 1_000_000, perAddressBurst: 1_000_000, maxPerUser: 1_000_000 } as const;

const newToken = (): string => randomBytes(18).toString('base64url');

/** alice, carol (team-a) and bob (team-b), as in the demo. */
export function demoIdentities(): BenchIdentity[] {
  return DEMO_USERS.map((user) => ({ name: user.name, groups: user.groups, token: newToken() }));
}

/** `count` distinct users, alternating between team-a and team-b. */
export function generatedIdentities(count: number): BenchIdentity[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `user-${String(i).padStart(4, '0')}`,
    groups: [i % 2 === 0 ? 'team-a' : 'team-b'],
    token: newToken(),
  }));
}

/** May this identity read this pod under the demo's chain (team namespace, then pod labels)? */
export function allows(identity: Pick<BenchIdentity, 'name' | 'groups'>, pod: Pick<DemoPod, 'namespace' | 'labels'>): boolean {
  return identity.groups.includes(pod.namespace) && evaluateLabels(pod.labels, identity.name).allowed;
}

export interface GatewayWorld {
  readonly config: TailgateConfig;
  remove(): void;
}

/** Writes one gateway's token file and pod metadata and returns its configuration (port 0, log level error). */
export function createGatewayWorld(spec: WorldSpec): GatewayWorld {
  const dir = mkdtempSync(join(tmpdir(), 'tailgate-bench-world-'));
  const world = createDemoWorld(dir, {
    port: 0,
    ...(spec.redis && { redisUrl: spec.redis.url, ...(spec.redis.keyPrefix && { redisKeyPrefix: spec.redis.keyPrefix }) }),
    nodeFile: { ...spec.nodeFile, root: spec.podsRoot },
    streams: { ...STREAM_DEFAULTS, ...spec.streams },
    quotas: NO_QUOTAS,
    connections: NO_CONNECTION_LIMITS,
    logLevel: 'error',
  });
  // createDemoWorld wrote the demo's three tokens there; the bench's identities replace them.
  const tokenFile = join(dir, 'tokens.csv');
  if (!existsSync(tokenFile)) throw new Error('the demo world moved its token file');
  const rows = spec.identities.map((id, i) => `${id.token},${id.name},uid-bench-${i},"${id.groups.join(',')}"`);
  writeFileSync(tokenFile, `${rows.join('\n')}\n`, { mode: 0o600 });
  const extra = spec.pods.filter((pod) => !DEMO_PODS.some((d) => d.namespace === pod.namespace && d.name === pod.name));
  writePodFile(world.podFile, [...DEMO_PODS, ...extra]);
  return { config: world.config, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
