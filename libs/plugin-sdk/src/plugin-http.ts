// HTTP endpoints a plugin serves on the gateway's port (the flow tap's ingest): requests under
// `<server.basePath>/plugins/<pluginId>/`. The host passes the body as it arrives, still
// compressed; the handler bounds what it reads and answers with a status and a JSON body.
import { createServiceRef } from './service-ref';

export interface PluginHttpRequest {
  readonly method: string;
  /** The path after `/plugins/<pluginId>`, starting with `/`, without the query string. */
  readonly path: string;
  /** Header names in lower case; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The raw body; read at most once. Stop reading to refuse the rest. */
  readonly body: AsyncIterable<Uint8Array>;
  /** Aborted when the client goes away or the gateway shuts down. */
  readonly signal: AbortSignal;
}

export interface PluginHttpResponse {
  readonly status: number;
  /** Extra headers, e.g. `retry-after`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as JSON; none when unset. Never a token, a secret or a log line. */
  readonly body?: unknown;
}

export type PluginHttpHandler = (request: PluginHttpRequest) => Promise<PluginHttpResponse>;

export interface PluginHttp {
  /**
   * Serves every request under `/plugins/<pluginId>/` with `handler`. One handler per plugin;
   * a thrown error answers 500 with no detail.
   */
  mount(pluginId: string, handler: PluginHttpHandler): void;
}

export const pluginHttpServiceRef = createServiceRef<PluginHttp>('core.plugin-http');
