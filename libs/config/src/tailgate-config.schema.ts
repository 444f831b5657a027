// The schema of tailgate.yaml. Every setting has a description and a default here; the README's
// configuration table is generated from this file (`npm run docs:config`).
import { KubeConfigSchema } from '@tailgate/kube';
import { z } from 'zod';

const ms = (def: number, description: string) => z.number().int().min(1).max(86_400_000).default(def).describe(description);

export const ServerConfigSchema = z
  .strictObject({
    host: z.string().default('0.0.0.0').describe('Address the HTTP and Socket.IO server binds to.'),
    port: z.number().int().min(0).max(65_535).default(8080).describe('Port of the HTTP and Socket.IO server (0 picks a free one).'),
    corsOrigins: z.array(z.string()).default([]).describe('Browser origins allowed to connect; empty allows none.'),
    maxPayloadBytes: z
      .number()
      .int()
      .min(1024)
      .max(16 * 1024 * 1024)
      .default(1024 * 1024)
      .describe('Largest Socket.IO message a client may send; larger ones close the connection.'),
  })
  .prefault({});

export const RedisConfigSchema = z
  .strictObject({
    url: z.string().url().optional().describe('Redis URL; unset runs the in-process bus (one replica, no Redis).'),
    keyPrefix: z.string().default('tailgate:').describe('Prefix of every Redis key and channel.'),
  })
  .prefault({});

export const StreamsConfigSchema = z
  .strictObject({
    idleGraceMs: ms(5_000, 'How long an upstream keeps running after its last listener left.'),
    maxBatchRecords: z.number().int().min(1).max(10_000).default(100).describe('Most records in one batch on the bus and the wire.'),
    maxBatchWaitMs: ms(10, 'Longest a record waits for its batch to fill.'),
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
    decisionTtlMs: ms(30_000, 'How long an allow or deny decision is reused; errors are never cached.'),
    recheckIntervalMs: ms(30_000, 'How often live listeners are authorized again (revocation takes at most this long).'),
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

export const LogConfigSchema = z
  .strictObject({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('Level of the JSON server log.'),
  })
  .prefault({});

/** A plugin's block: its own settings, plus `use` naming the npm package of a third-party plugin. */
export const PluginEntrySchema = z.record(z.string(), z.unknown()).nullable().default({});

export const TailgateConfigSchema = z
  .strictObject({
    server: ServerConfigSchema,
    // Unset: no cluster (the demo, files only). Its settings are documented in @tailgate/kube.
    kube: KubeConfigSchema.optional(),
    redis: RedisConfigSchema,
    streams: StreamsConfigSchema,
    access: AccessConfigSchema,
    authentication: AuthenticationConfigSchema,
    podMetadata: PodMetadataConfigSchema,
    log: LogConfigSchema,
    plugins: z
      .record(z.string().regex(/^[a-z][a-z0-9-]*$/), PluginEntrySchema)
      .default({})
      .describe('Enabled plugins by id, each with its settings; `use: <npm package>` loads a third-party plugin.'),
  })
  .superRefine((config, ctx) => {
    if (config.podMetadata.kind === 'kubernetes' && config.kube === undefined) {
      ctx.addIssue({ code: 'custom', path: ['podMetadata'], message: 'kind kubernetes needs the `kube` connection settings' });
    }
  });

export type TailgateConfig = z.output<typeof TailgateConfigSchema>;
