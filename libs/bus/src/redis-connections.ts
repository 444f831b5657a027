// Opens Redis connections the way every Tailgate role needs them: one connection (or one cluster
// client) per role, named by role, reconnecting forever with capped backoff, and connection errors
// reported once per outage with the URL's password masked.
import { Cluster, Redis, type RedisOptions } from 'ioredis';

import { redactRedisUrl } from './redact-redis-url';
import {
  reconnectDelayMs,
  RedisConnectionSettingsSchema,
  type RedisConnectionSettingsInput,
  type RedisRole,
} from './redis-connection-settings';

export interface RedisConnectionErrorContext {
  readonly role: RedisRole;
  /** The Redis URL (a cluster's seed URLs, comma-separated) with passwords masked. */
  readonly target: string;
}

export type RedisConnectionErrorReporter = (error: Error, context: RedisConnectionErrorContext) => void;

/** The default reporter: one warning line per outage and connection. */
export const reportConnectionErrorToConsole: RedisConnectionErrorReporter = (error, { role, target }) => {
  console.warn(`[tailgate/bus] redis ${role} connection to ${target} failed: ${error.message}`);
};

export interface RedisConnectionOptions extends RedisConnectionSettingsInput {
  readonly role: RedisRole;
  /** Hears the first connection error of each outage (not every retry). Default: `reportConnectionErrorToConsole`. */
  readonly onError?: RedisConnectionErrorReporter;
}

// How each role's commands behave while its connection is down.
const ROLE_OPTIONS: Readonly<Record<RedisRole, RedisOptions>> = {
  // Live records are worthless late: a publish fails after two failed reconnect attempts instead of piling up.
  publisher: { maxRetriesPerRequest: 1 },
  // SUBSCRIBE waits for the connection. The owner re-subscribes after a reconnect itself, so it
  // knows when the subscriptions are active again and can report `up` only then.
  subscriber: { maxRetriesPerRequest: null, autoResubscribe: false },
  commands: { maxRetriesPerRequest: 3 },
  // BullMQ workers block on Redis and refuse connections that give up on commands.
  bullmq: { maxRetriesPerRequest: null },
};

/** Creates one connection for `role`; call it once per role (publisher, subscriber, commands, bullmq). */
export function createRedisConnections(url: string, options: RedisConnectionOptions): Redis {
  const { role, onError = reportConnectionErrorToConsole, ...input } = options;
  const settings = RedisConnectionSettingsSchema.parse(input);
  const connection = new Redis(url, {
    ...ROLE_OPTIONS[role],
    connectionName: `${settings.connectionNamePrefix}:${role}`,
    connectTimeout: settings.connectTimeoutMs,
    retryStrategy: (attempt: number) => reconnectDelayMs(attempt, settings.reconnectMaxDelayMs),
    lazyConnect: false,
  });
  reportErrorsOncePerOutage(connection, onError, { role, target: redactRedisUrl(url) });
  return connection;
}

/**
 * Creates a Redis Cluster client for `role` from seed URLs (any reachable node is enough; the
 * client discovers the others). Credentials and TLS (`rediss://`) come from the first URL and
 * apply to every node.
 */
export function createRedisCluster(seedUrls: readonly string[], options: RedisConnectionOptions): Cluster {
  const { role, onError = reportConnectionErrorToConsole, ...input } = options;
  const settings = RedisConnectionSettingsSchema.parse(input);
  const [first] = seedUrls;
  if (first === undefined) throw new RangeError('a Redis Cluster needs at least one seed URL');
  const cluster = new Cluster(seedUrls.map(hostAndPort), {
    clusterRetryStrategy: (attempt: number) => reconnectDelayMs(attempt, settings.reconnectMaxDelayMs),
    redisOptions: {
      ...ROLE_OPTIONS[role],
      ...credentialsOf(first),
      connectionName: `${settings.connectionNamePrefix}:${role}`,
      connectTimeout: settings.connectTimeoutMs,
    },
    lazyConnect: false,
  });
  reportErrorsOncePerOutage(cluster, onError, { role, target: seedUrls.map(redactRedisUrl).join(',') });
  return cluster;
}

/** Where a role reaches Redis: one server, or the seed nodes of a Redis Cluster. */
export interface RedisEndpoint {
  /** The server's URL, or a cluster's first seed node. */
  readonly url: string;
  /** `url` and `clusterNodes` are seed nodes of a Redis Cluster. Default false. */
  readonly cluster?: boolean;
  /** Further seed nodes of the cluster. Default none. */
  readonly clusterNodes?: readonly string[];
}

/**
 * Creates one connection for `role` to a single Redis, or a cluster client when `endpoint.cluster`
 * (each command then goes to the node serving its first key's slot, so a script must keep all its
 * keys in one slot).
 */
export function createRedisClient(endpoint: RedisEndpoint, options: RedisConnectionOptions): Redis | Cluster {
  const { url, cluster = false, clusterNodes = [] } = endpoint;
  return cluster ? createRedisCluster([url, ...clusterNodes], options) : createRedisConnections(url, options);
}

/** The URL of one cluster node (`host:port`, as the cluster names it) with the seed URL's scheme and credentials. */
export function clusterNodeUrl(seedUrl: string, node: string): string {
  const separator = node.lastIndexOf(':');
  const host = node.slice(0, separator);
  const url = new URL(seedUrl);
  url.hostname = host.includes(':') ? `[${host}]` : host;
  url.port = node.slice(separator + 1);
  url.pathname = '';
  return url.toString();
}

function hostAndPort(url: string): { host: string; port: number } {
  const { hostname, port } = new URL(url);
  return { host: hostname.replace(/^\[(.*)\]$/, '$1'), port: port === '' ? 6379 : Number(port) };
}

function credentialsOf(url: string): Pick<RedisOptions, 'username' | 'password' | 'tls'> {
  const { username, password, protocol } = new URL(url);
  return {
    ...(username !== '' && { username: decodeURIComponent(username) }),
    ...(password !== '' && { password: decodeURIComponent(password) }),
    ...(protocol === 'rediss:' && { tls: {} }),
  };
}

// ioredis emits an error on every failed retry; one report per outage is the useful signal.
function reportErrorsOncePerOutage(
  connection: Redis | Cluster,
  onError: RedisConnectionErrorReporter,
  context: RedisConnectionErrorContext,
): void {
  let reported = false;
  connection.on('error', (error: Error) => {
    if (reported) return;
    reported = true;
    onError(error, context);
  });
  connection.on('ready', () => {
    reported = false;
  });
}

/** Closes a connection (or cluster client) for good: QUIT (after pending replies) when connected, otherwise drops it. */
export async function closeRedisConnection(connection: Redis | Cluster): Promise<void> {
  if (connection.status === 'end') return;
  if (connection.status !== 'ready') {
    connection.disconnect();
    return;
  }
  const ended = new Promise<void>((resolve) => connection.once('end', () => resolve()));
  try {
    await connection.quit();
  } catch {
    connection.disconnect();
    return;
  }
  // Resolving only once the server closed the socket means the connection is gone from CLIENT LIST.
  await ended;
}
