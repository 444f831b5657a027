// The gateway's `kube:` block and the one call that turns it into the services plugins use.
import { z } from 'zod';

import { HttpKubeApi } from './http-kube-api';
import type { KubeApi } from './kube-api';
import { KubeConnectionSchema, openKubeEndpoint } from './kube-connection';
import { KubeHttp } from './kube-http';
import { KubePodMetadata, type KubePodMetadataOptions } from './kube-pod-metadata';

export const KubeConfigSchema = z.strictObject({
  connection: KubeConnectionSchema,
  requestTimeoutMs: z.number().int().positive().default(10_000).describe('Deadline of one review or list request. Default 10000.'),
  podMetadata: z
    .strictObject({
      namespaces: z.array(z.string().min(1)).default([]).describe('Namespaces to watch pods in; empty (default): all namespaces.'),
      initialSyncTimeoutMs: z
        .number()
        .int()
        .positive()
        .default(10_000)
        .describe('How long a lookup waits for the first list. Default 10000.'),
      watchTimeoutSeconds: z.number().int().positive().default(300).describe('Server-side watch timeout before re-watching. Default 300.'),
    })
    .default({ namespaces: [], initialSyncTimeoutMs: 10_000, watchTimeoutSeconds: 300 }),
});
export type KubeConfig = z.output<typeof KubeConfigSchema>;

export interface KubeServices {
  readonly api: KubeApi;
  /** JSON, watches and log streams, for sources. */
  readonly http: KubeHttp;
  /** Not started: call `start()` (or let the first `get()` do it) and `stop()` at shutdown. */
  readonly podMetadata: KubePodMetadata;
}

/** Loads credentials (no request is sent yet) and builds the services. */
export async function createKubeServices(config: KubeConfig, extra: Pick<KubePodMetadataOptions, 'logger'> = {}): Promise<KubeServices> {
  const http = new KubeHttp(await openKubeEndpoint(config.connection), { requestTimeoutMs: config.requestTimeoutMs });
  return { api: new HttpKubeApi(http), http, podMetadata: new KubePodMetadata(http, { ...config.podMetadata, ...extra }) };
}
