// The schema of tailgate.yaml. Every setting has a description and a default here; the README's
// configuration table is generated from this file (`npm run docs:config`).
import { AuditSettingsSchema } from '@tailgate/audit';
import { ReplaySettingsSchema } from '@tailgate/bus';
import { KubeConfigSchema } from '@tailgate/kube';
import { z } from 'zod';

const ms = (def: number, description: string) => z.number().int().min(1).max(86_400_000).default(def).describe(description);

/** Addresses only this machine can reach: the desktop session is offered on nothing else. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host === '::1' || host === '[::1]') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** `/` or `/a/b`: a leading slash, no trailing one, plain path segments (no `.`/`..`, no encoding). */
export const BasePathSchema = z
  .string()
  .regex(/^(\/|(\/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)+)$/, 'must be `/` or start with `/`, without a trailing `/` (e.g. `/tailgate`)')
  .refine((path) => !path.split('/').some((segment) => /^\.+$/.test(segment)), 'must not contain `.` or `..` segments');

export const ServerConfigSchema = z
  .strictObject({
    host: z.string().default('0.0.0.0').describe('Address the HTTP and Socket.IO server binds to.'),
    port: z.number().int().min(0).max(65_535).default(8080).describe('Port of the HTTP and Socket.IO server (0 picks a free one).'),
    corsOrigins: z
      .array(z.string())
      .default([])
      .describe(
        "Browser origins (`https://app.example`) allowed to connect, over WebSocket and polling alike, besides the gateway's own (its web UI, always allowed); empty allows no other. Clients that send no Origin header (CLIs, servers) are not browsers and always may.",
      ),
    maxPayloadBytes: z
      .number()
      .int()
      .min(1024)
      .max(16 * 1024 * 1024)
      .default(1024 * 1024)
      .describe('Largest Socket.IO message a client may send; larger ones close the connection.'),
    basePath: BasePathSchema.default('/').describe(
      'Path prefix of everything a client reaches, for a reverse proxy that forwards it unchanged: the web UI at `<basePath>/`, Socket.IO at `<basePath>/socket.io`, the HTTP API at `<basePath>/api/v1`, `<basePath>/audit/events` and plugin endpoints at `<basePath>/plugins`. `/healthz`, `/readyz` and `/metrics` stay at the root (probes and Prometheus talk to the pod).',
    ),
    webUi: z
      .boolean()
      .default(true)
      .describe('Serve the web UI (the built `apps/web`) at `<basePath>/`; a missing build is logged once and the UI paths answer 404.'),
    trustProxyHeaders: z
      .boolean()
      .default(false)
      .describe(
        "A proxy you trust sets `X-Forwarded-Host` and `X-Forwarded-Proto` (their last entries are used): the UI's own origin, which may connect without `corsOrigins`, is then the proxy's. Off: the request's `Host` and the connection's scheme.",
      ),
    desktopSession: z
      .strictObject({ token: z.string().min(16).max(16_384).describe('The local token the desktop page signs in with.') })
      .optional()
      .describe(
        'Desktop mode only (`tailgate serve` sets it): `GET <basePath>/api/v1/session` hands this token to a same-origin page reached as `127.0.0.1`, `localhost` or `[::1]` on the listening port; unset, it answers 404. Needs a loopback `host` (docs/security.md "Desktop sign-in").',
      ),
  })
  .refine((server) => server.desktopSession === undefined || isLoopbackHost(server.host), {
    path: ['desktopSession'],
    message: 'needs a loopback server.host (127.0.0.1, ::1 or localhost)',
  })
  .prefault({});

const connectionRate = (def: number, description: string) => z.number().int().min(1).max(1_000_000_000).default(def).describe(description);

/** Limits on opening connections, each kept in memory per replica (token buckets, like the subscribe rate). */
export const ConnectionsConfigSchema = z
  .strictObject({
    perAddressPerMinute: connectionRate(
      600,
      'Connection attempts one client address may make per minute, refused ones included; beyond, `connect_error` `rate_limited`.',
    ),
    perAddressBurst: connectionRate(120, 'Connection attempts one client address may make at once before the per-minute rate applies.'),
    failuresPerCredentialPerMinute: connectionRate(
      6,
      'Failed authentications one token may cause per minute; beyond, the token is refused with `rate_limited` before any authenticator is asked. Tokens are told apart by a keyed hash and never stored.',
    ),
    failuresPerCredentialBurst: connectionRate(5, 'Failed authentications one token may cause at once before the per-minute rate applies.'),
    maxPerUser: connectionRate(50, 'Open connections one user may hold on one replica; more are refused with `rate_limited`.'),
    trackedKeys: z
      .number()
      .int()
      .min(100)
      .max(10_000_000)
      .default(10_000)
      .describe('Addresses, and failing tokens, each limit remembers at most; the oldest are forgotten first.'),
    clientAddressHeader: z
      .string()
      .regex(/^[a-z0-9-]+$/)
      .optional()
      .describe(
        'Header in which a proxy you trust puts the client address (its last entry is used), e.g. `x-forwarded-for`; unset: the TCP peer. Behind a proxy without it, all clients share the proxy address and its limit.',
      ),
  })
  .prefault({});

export const RedisConfigSchema = z
  .strictObject({
    url: z.string().url().optional().describe('Redis URL; unset runs the in-process bus (one replica, no Redis).'),
    keyPrefix: z.string().default('tailgate:').describe('Prefix of every Redis key and channel.'),
    cluster: z
      .boolean()
      .default(false)
      .describe(
        '`url` (and `clusterNodes`) are seed nodes of a Redis Cluster (7.0+), which the whole gateway then runs on: the log bus uses sharded pub/sub (SPUBLISH/SSUBSCRIBE) with one subscriber connection per shard; stream leases and quotas keep each script on one hash slot.',
      ),
    clusterNodes: z
      .array(z.string().url())
      .default([])
      .describe('Further Redis Cluster seed nodes, tried when `url` is unreachable at start (needs `cluster: true`).'),
    // The replay buffer's bounds are the bus's own settings (documented in @tailgate/bus).
    replay: ReplaySettingsSchema,
  })
  .refine((redis) => !redis.cluster || redis.url !== undefined, { path: ['url'], message: 'cluster: true needs a seed node URL' })
  .refine((redis) => redis.cluster || redis.clusterNodes.length === 0, { path: ['clusterNodes'], message: 'seed nodes need cluster: true' })
  .prefault({});

export const StreamsConfigSchema = z
  .strictObject({
    idleGraceMs: ms(5_000, 'How long an upstream keeps running after its last listener left.'),
    maxBatchRecords: z.number().int().min(1).max(10_000).default(100).describe('Most records in one batch on the bus and the wire.'),
    maxBatchWaitMs: ms(10, 'Longest a record waits for its batch to fill.'),
    reorderWindowMs: z
      .number()
      .int()
      .min(0)
      .max(5_000)
      .default(200)
      .describe('How long records of `order: time` subscriptions wait for earlier ones of other containers, in ms.'),
    listenerBufferBytes: z
      .number()
      .int()
      .min(64 * 1024)
      .max(1024 * 1024 * 1024)
      .default(1024 * 1024)
      .describe(
        'Bytes waiting to be written to one connection before its subscriptions count as slow; each then queues at most this many bytes of records, drops the oldest batches and tells the client with `dropped`. A backlog fills at most half of it, reading the next page from the source only when there is room.',
      ),
    connectionBufferBytes: z
      .number()
      .int()
      .min(64 * 1024)
      .max(4 * 1024 * 1024 * 1024)
      .default(8 * 1024 * 1024)
      .describe(
        'Bytes queued on the server for one connection beyond what Socket.IO holds (`listenerBufferBytes`): the slow lanes, and the live batches held while backlogs are sent, of all its subscriptions together. Past it, the subscription that adds drops its oldest batches and tells the client with `dropped`. Backlogs are read only as the connection drains and add one page at most.',
      ),
    drainTimeoutMs: ms(
      30_000,
      'How long a backlog waits for its connection to take anything (to hold less than half of `listenerBufferBytes`); then the client is disconnected and may reconnect and resume.',
    ),
    maxBacklogSinceMs: z
      .number()
      .int()
      .min(60_000)
      .max(30 * 86_400_000)
      .default(86_400_000)
      .describe(
        'Furthest back a `since` may reach, in ms; a source may declare less (`backlogLimits`). A `since` beyond it is refused with `invalid_request`, whose details give the limit.',
      ),
    maxBacklogTail: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(10_000)
      .describe('Most records per target a `tail` may ask for; a source may declare less. More is refused with `invalid_request`.'),
    leaseTtlMs: z
      .number()
      .int()
      .min(300)
      .max(600_000)
      .default(5_000)
      .describe(
        "With Redis: how long a replica's lease on a stream's upstream lasts unrenewed (renewed every third of this); a dead holder is replaced within twice this.",
      ),
    demandTtlMs: z
      .number()
      .int()
      .min(300)
      .max(600_000)
      .default(15_000)
      .describe(
        "With Redis: how long a replica's listeners keep a stream's upstream running after the replica's last heartbeat, when it dies.",
      ),
  })
  .refine((streams) => streams.connectionBufferBytes >= streams.listenerBufferBytes, {
    path: ['connectionBufferBytes'],
    message: 'must be at least listenerBufferBytes (one slow lane must fit)',
  })
  .refine((streams) => streams.demandTtlMs >= streams.leaseTtlMs, {
    path: ['demandTtlMs'],
    message: 'must be at least leaseTtlMs (demand is renewed with the lease)',
  })
  .prefault({});

export const AccessConfigSchema = z
  .strictObject({
    chain: z
      .array(z.string().regex(/^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/))
      .default([])
      .describe('Authorizers in order, as `<pluginId>.<name>`. Empty denies everything.'),
    mode: z
      .enum(['all', 'first-decisive'])
      .default('all')
      .describe('How decisions combine: `all` (every authorizer that votes must allow) or `first-decisive` (Kubernetes union).'),
    decisionTtlMs: ms(
      30_000,
      'How long an allow or deny decision is kept; a new listener or target never uses one older than recheckIntervalMs; errors are never cached.',
    ),
    recheckIntervalMs: ms(
      30_000,
      'How often live listeners are authorized again; RBAC, ServiceAccount and pod label watches re-check at once (docs/security.md).',
    ),
    authorizeTimeoutMs: ms(5_000, 'An authorizer slower than this counts as an error (deny, not cached).'),
  })
  .prefault({});

export const AuthenticationConfigSchema = z
  .strictObject({
    authenticators: z
      .array(z.string().regex(/^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/))
      .default([])
      .describe('Authenticators tried in order, as `<pluginId>.<name>`; the first that accepts the token wins.'),
  })
  .prefault({});

export const PodMetadataConfigSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('none') }),
    z.strictObject({ kind: z.literal('kubernetes') }),
    z.strictObject({
      kind: z.literal('file'),
      path: z.string().min(1).describe('JSON file with a list of pods: namespace, name, node, labels.'),
      reloadIntervalMs: ms(1_000, 'How often the file is re-read.'),
    }),
  ])
  .default({ kind: 'none' })
  .describe(
    'Where authoritative pod labels come from: `kubernetes` (a watch on the apiserver, needs `kube`), `file` (demo and tests), or `none`.',
  );

const quotaCount = (description: string) => z.number().int().min(0).max(1_000_000_000).describe(description);
const quotaRate = (description: string) => z.number().int().min(1).max(1_000_000_000).describe(description);

/** One scope's limits with nothing set: unset means unlimited (tenants) or the scope's default (named users). */
export const QuotaLimitsSchema = z.strictObject({
  maxSubscriptions: quotaCount('Live subscriptions, across all connections and replicas.').optional(),
  maxStreams: quotaCount('Distinct streams (upstreams) subscribed to at once.').optional(),
  subscribesPerMinute: quotaRate('Subscribe requests per minute, refused ones included (token bucket).').optional(),
  subscribeBurst: quotaRate('Subscribe requests at once before the per-minute rate applies; unset: subscribesPerMinute.').optional(),
});

export const TenantFromSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('none') }),
    z.strictObject({
      kind: z.literal('group-prefix'),
      prefix: z.string().min(1).describe('The tenant is the rest of the first group with it.'),
    }),
    z.strictObject({ kind: z.literal('service-account-namespace') }),
  ])
  .default({ kind: 'none' })
  .describe(
    'How a tenant is derived from the authenticated subject: `group-prefix` (first group starting with `prefix`, minus it), `service-account-namespace` (`system:serviceaccount:<ns>:<name>` → `<ns>`), or `none`. Subjects without a tenant are limited per user only.',
  );

export const QuotasConfigSchema = z
  .strictObject({
    user: z
      .strictObject({
        maxSubscriptions: quotaCount('Live subscriptions one user may hold, across all its connections and every replica.').default(100),
        maxStreams: quotaCount('Distinct streams (upstreams) one user may be subscribed to at once.').default(50),
        subscribesPerMinute: quotaRate('Subscribe requests of one user per minute, refused ones included (token bucket).').default(60),
        subscribeBurst: quotaRate('Subscribe requests of one user at once before the rate applies; unset: subscribesPerMinute.').optional(),
      })
      .prefault({}),
    tenant: z
      .strictObject({
        maxSubscriptions: quotaCount('Live subscriptions of all users of one tenant; unset: unlimited.').optional(),
        maxStreams: quotaCount('Distinct streams all users of one tenant may be subscribed to at once; unset: unlimited.').optional(),
        subscribesPerMinute: quotaRate('Subscribe requests per minute of all users of one tenant; unset: unlimited.').optional(),
        subscribeBurst: quotaRate('Subscribe requests of one tenant at once before the rate applies; unset: per minute.').optional(),
      })
      .prefault({}),
    users: z
      .record(z.string().min(1), QuotaLimitsSchema)
      .default({})
      .describe('Limits of named users replacing the `user` ones, e.g. `{ ci-bot: { subscribesPerMinute: 600 } }`.'),
    tenants: z
      .record(z.string().min(1), QuotaLimitsSchema)
      .default({})
      .describe('Limits of named tenants replacing the `tenant` ones, e.g. `{ payments: { maxStreams: 500 } }`.'),
    tenantFrom: TenantFromSchema,
    holdingTtlMs: z
      .number()
      .int()
      .min(300)
      .max(600_000)
      .default(15_000)
      .describe("With Redis: how long a replica's holdings outlive its last heartbeat (one every third of this) when it dies."),
  })
  .prefault({});

export type QuotasConfig = z.output<typeof QuotasConfigSchema>;
export type QuotaLimits = z.output<typeof QuotaLimitsSchema>;
export type TenantFrom = z.output<typeof TenantFromSchema>;

/** The plugins' control-plane jobs: BullMQ on Redis in the worker, in process without Redis (the same rules). */
export const JobsConfigSchema = z
  .strictObject({
    concurrency: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(4)
      .describe('Jobs one process runs at once (the worker, or the gateway without Redis).'),
    backoffBaseMs: ms(1_000, 'Wait before the first retry of a failed job; each further retry waits twice as long as the one before.'),
    deadLetterSize: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(1_000)
      .describe('Failed jobs kept for inspection (out of attempts, or failed permanently); older ones are dropped.'),
    maxQueued: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .default(10_000)
      .describe('Without Redis: jobs waiting, delayed or running at most; queuing more is refused (`job_queue_full`).'),
    lockMs: ms(
      30_000,
      "With Redis: how long a worker's claim on a running job lasts unrenewed (renewed every half of this); a worker killed mid-job leaves its job to be run again once the claim lapsed.",
    ),
    stalledIntervalMs: ms(
      30_000,
      'With Redis: how often a worker looks for jobs whose claim lapsed (their worker died) and queues them again.',
    ),
    http: z
      .strictObject({
        host: z.string().min(1).default('0.0.0.0').describe("Address of the worker's /healthz, /readyz and /metrics."),
        port: z
          .number()
          .int()
          .min(0)
          .max(65_535)
          .default(9103)
          .describe("Port of the worker's /healthz, /readyz and /metrics (0 picks a free one)."),
      })
      .prefault({}),
  })
  .prefault({});

export type JobsConfig = z.output<typeof JobsConfigSchema>;

export const LogConfigSchema = z
  .strictObject({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('Level of the JSON server log.'),
  })
  .prefault({});

/** A plugin's block: its own settings, plus `use` naming the npm package of a third-party plugin. */
export const PluginEntrySchema = z.record(z.string(), z.unknown()).nullable().default({});

/** Per-listener redaction (docs/redaction.md): record transforms applied to the lines some subjects see. */
const REDACTION_PROFILE = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'kebab-case');

export const RedactionSettingsSchema = z
  .strictObject({
    profiles: z
      .record(
        REDACTION_PROFILE,
        z
          .array(
            z.strictObject({
              transform: z
                .string()
                .regex(/^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/)
                .describe('A record transform, as `<pluginId>.<name>` (e.g. `redaction.mask`); its plugin must be enabled.'),
              params: z.record(z.string(), z.unknown()).default({}).describe("The transform's settings (see its plugin's docs)."),
            }),
          )
          .min(1),
      )
      .default({})
      .describe(
        'Named redaction profiles, each a list of record transforms applied in order, e.g. `{ strict: [{ transform: redaction.mask }] }`.',
      ),
    assign: z
      .array(
        z
          .strictObject({
            profile: REDACTION_PROFILE.describe('A profile named in `profiles`.'),
            users: z.array(z.string().min(1)).default([]).describe('User names that get the profile.'),
            groups: z.array(z.string().min(1)).default([]).describe('Groups whose members get the profile.'),
            tenants: z
              .array(z.string().min(1))
              .default([])
              .describe('Tenants (as `quotas.tenantFrom` derives them) whose users get the profile.'),
          })
          .refine((rule) => rule.users.length + rule.groups.length + rule.tenants.length > 0, 'names no user, group or tenant'),
      )
      .default([])
      .describe('Who gets which profile; a subject named by several rules gets every one of their profiles.'),
    everyone: z
      .array(REDACTION_PROFILE)
      .default([])
      .describe(
        'Profiles every subject gets, before those `assign` gives it. Default: none (lines are delivered as the source wrote them).',
      ),
  })
  .prefault({})
  .superRefine((settings, ctx) => {
    const known = new Set(Object.keys(settings.profiles));
    settings.assign.forEach((rule, i) => {
      if (!known.has(rule.profile)) ctx.addIssue({ code: 'custom', path: ['assign', i, 'profile'], message: 'no such profile' });
    });
    settings.everyone.forEach((profile, i) => {
      if (!known.has(profile)) ctx.addIssue({ code: 'custom', path: ['everyone', i], message: 'no such profile' });
    });
  });

export type RedactionSettings = z.output<typeof RedactionSettingsSchema>;

export const TailgateConfigSchema = z
  .strictObject({
    server: ServerConfigSchema,
    connections: ConnectionsConfigSchema,
    // Unset: no cluster (the demo, files only). Its settings are documented in @tailgate/kube.
    kube: KubeConfigSchema.optional(),
    redis: RedisConfigSchema,
    streams: StreamsConfigSchema,
    access: AccessConfigSchema,
    authentication: AuthenticationConfigSchema,
    quotas: QuotasConfigSchema,
    podMetadata: PodMetadataConfigSchema,
    log: LogConfigSchema,
    jobs: JobsConfigSchema,
    // Off by default; turning it on needs a sink (audit.file, audit.stdout or audit.webhook). See docs/security.md "Audit trail".
    audit: AuditSettingsSchema,
    // Off by default: masks secrets in the lines some subjects see (docs/redaction.md).
    redaction: RedactionSettingsSchema,
    plugins: z
      .record(z.string().regex(/^[a-z][a-z0-9-]*$/), PluginEntrySchema)
      .default({})
      .describe('Enabled plugins by id, each with its settings; `use: <npm package>` loads a third-party plugin.'),
    pluginDirectory: z
      .string()
      .startsWith('/', 'must be an absolute path')
      .default('/opt/tailgate/plugins')
      .describe(
        "Where third-party plugins named by `use:` are looked up first (`<dir>/node_modules/<package>`), before the app's own node_modules; see docs/plugins.md. Env: `TAILGATE_PLUGIN_DIR` (or `TAILGATE__PLUGIN_DIRECTORY`).",
      ),
  })
  .superRefine((config, ctx) => {
    if (config.podMetadata.kind === 'kubernetes' && config.kube === undefined) {
      ctx.addIssue({ code: 'custom', path: ['podMetadata'], message: 'kind kubernetes needs the `kube` connection settings' });
    }
  });

export type TailgateConfig = z.output<typeof TailgateConfigSchema>;
export type ConnectionsConfig = z.output<typeof ConnectionsConfigSchema>;
