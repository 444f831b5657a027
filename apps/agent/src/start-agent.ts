// The agent's one composition root: builds everything in order — log, metrics and the health
// server, saved positions, container inventory, the bus (with a Redis URL), the tailing engine and
// its pump, the agent session (with a gateway URL), the demand server, readiness — and registers, for each, the named step that undoes it;
// `stop()` (SIGTERM, SIGINT) runs those in reverse. Used by main.ts and by tests, which also get
// the in-process tail API: follow a container from a position, stop it, and receive its batches
// through `sink`.
import { AgentMessageSigner, DemandServer, type NodeTailing, signingBus } from '@tailgate/plugin-agent-pod-logs';
import type { PluginBus } from '@tailgate/plugin-sdk';
import { AgentTail, type ContainerLogDir, type TailFrom, type TailPosition } from '@tailgate/cri-logs';
import { ShutdownSequence, startHealthServer } from '@tailgate/process';
import type pino from 'pino';
import type { Logger } from 'pino';

import type { AgentConfig } from './agent-config';
import type { AgentProblemCode } from './agent-error';
import { createAgentLogger } from './agent-logger';
import { type AgentBus, connectAgentBus } from './agent-bus';
import { AgentMetrics } from './agent-metrics';
import { ContainerInventory, type InventoryContainer } from './container-inventory';
import { AgentSessionClient } from './agent-session-client';
import { PositionStore } from './position-store';
import { type TailSink, TailPump } from './tail-pump';

export interface StartAgentOptions {
  /** Where each step's events go; default: nowhere (counted in the metrics only). */
  readonly sink?: TailSink;
  /** Where the JSON log goes; default stdout. */
  readonly logDestination?: pino.DestinationStream;
}

export interface RunningAgent {
  /** Base URL of /healthz, /readyz and /metrics. */
  readonly url: string;
  readonly metrics: AgentMetrics;
  readonly logger: Logger;
  /** The names of the shutdown steps, in the order `stop` runs them. */
  readonly shutdownOrder: readonly string[];
  /** Containers found on the node at the last listing. */
  containers(): readonly InventoryContainer[];
  /** Lists the pod directories now instead of at the next interval. */
  rescan(): Promise<void>;
  /**
   * Starts tailing a container directory from `from`; without it, from its saved position or else
   * its current end. False when it is tailed already.
   */
  follow(dir: ContainerLogDir, from?: TailFrom): boolean;
  /** Stops tailing it, keeping its position for the next `follow`. */
  unfollow(path: string): Promise<void>;
  /** Directories being tailed now. */
  tailed(): ReadonlySet<string>;
  /** Demand runs served now (empty without a bus). */
  demandRuns(): readonly string[];
  /** What keeps the agent from being ready; empty when ready. */
  problems(): readonly AgentProblemCode[];
  /** Runs the shutdown sequence (once). */
  stop(reason: string): Promise<void>;
}

type AgentPhase = 'starting' | 'running' | 'stopping';

/** Demand is dropped and containers matched again this often. */
const DEMAND_SWEEP_MS = 1_000;

export async function startAgent(config: AgentConfig, options: StartAgentOptions = {}): Promise<RunningAgent> {
  const logger = createAgentLogger(config.logLevel, config.nodeName, options.logDestination);
  const shutdown = new ShutdownSequence('agent', logger);
  shutdown.add('log', () => logger.flush());
  let phase: AgentPhase = 'starting';
  let inventory: ContainerInventory | undefined;
  let session: AgentSessionClient | undefined;
  const problems = (): AgentProblemCode[] => {
    if (phase === 'starting') return ['starting'];
    if (phase === 'stopping') return ['shutting_down'];
    const found: AgentProblemCode[] = inventory?.problem ? [inventory.problem] : [];
    if (session?.problem() !== undefined) found.push('no_session');
    if (config.redisUrl !== '' && config.gatewayUrl === '' && !config.unsigned) found.push('unsigned_without_gateway_url');
    return found;
  };
  try {
    const metrics = new AgentMetrics();
    metrics.observeReadiness(() => problems().length === 0);
    // Up first and down last: probes get answers (503 until ready) while the rest starts and stops.
    const http = await startHealthServer(config.httpHost, config.httpPort, problems, metrics.registry);
    shutdown.add('health server', () => http.close());

    const opened = await PositionStore.open(config.stateDir);
    const positions = opened.store;
    if (opened.problem) {
      logger.warn(
        { code: 'positions_unreadable', reason: opened.problem.code, file: positions.file },
        'saved positions unusable; starting afresh',
      );
    }
    shutdown.add('positions', () => positions.save());

    const found = new ContainerInventory(config.root, config.containersDir, metrics, logger);
    inventory = found;
    await found.start(config.scanIntervalMs);
    // Positions of directories gone while the agent was away; only trusted when the root could be listed.
    if (!found.problem) positions.retainOnly(found.paths());
    shutdown.add('container inventory', () => found.stop());

    let bus: AgentBus | undefined;
    if (config.redisUrl !== '') {
      const connected = connectAgentBus(config.redisUrl, config.redisKeyPrefix, logger.child({ component: 'bus' }));
      bus = connected;
      shutdown.add('bus', () => connected.close());
    }

    const tail = new AgentTail({
      readChunkBytes: config.readBufferBytes,
      maxLineBytes: config.maxLineBytes,
      maxBatchRecords: config.maxBatchRecords,
      pollIntervalMs: config.pollIntervalMs,
      watchFiles: config.watchFiles,
    });
    let demand: DemandServer | undefined;
    const sink = async (events: Parameters<TailSink>[0]): Promise<void> => {
      await options.sink?.(events);
      await demand?.deliver(events);
    };
    const runsOf = (path: string): readonly string[] => demand?.runsCovering(path) ?? [];
    const settled = async (): Promise<void> => demand?.settled();
    const pump = new TailPump(tail, positions, sink, metrics, logger, config.checkpointIntervalMs, runsOf, settled);
    metrics.observeTailOnScrape(() => metrics.observeTail(tail.totals(), tail.paths().size));
    pump.start();
    shutdown.add('tailing', async () => {
      await pump.stop();
      await tail.close();
    });

    if (bus) {
      let publishing: PluginBus = bus;
      if (config.gatewayUrl !== '') {
        // Everything published is signed with the node's session key; the gateways refuse the rest.
        const client = new AgentSessionClient(
          config.gatewayUrl,
          config.tokenFile,
          config.nodeName,
          logger.child({ component: 'session' }),
          () => void demand?.announce(),
        );
        session = client;
        shutdown.add('session', () => client.stop());
        await client.start();
        const signer = new AgentMessageSigner(() => client.current());
        const connected = bus;
        publishing = signingBus(bus, signer, (channel, message) => connected.publishBytes(channel, message));
      }
      const tailing: NodeTailing = {
        containers: () => found.containers(),
        rescan: () => found.scan(),
        follow: (dir, runs) => void tail.start(dir, resumeFor(positions, dir.path, runs) ?? 'end'),
        unfollow: (path) => pump.forget(path),
      };
      const { nodeName, maxContainersPerDemand, maxDemands, maxBatchBytes } = config;
      const read = { readChunkBytes: config.readBufferBytes, maxLineBytes: config.maxLineBytes };
      const limits = { nodeName, maxContainersPerDemand, maxDemands, maxBatchBytes, read, sweepIntervalMs: DEMAND_SWEEP_MS };
      const server = new DemandServer(publishing, tailing, limits, logger.child({ component: 'demand' }));
      demand = server;
      metrics.observeDemandOnScrape(() => metrics.observeDemand(server.counts, server.runs().length));
      await server.start();
      shutdown.add('demand', () => server.stop());
    }

    phase = 'running';
    shutdown.add('readiness', () => void (phase = 'stopping'));
    logger.info({ url: http.url, root: config.root, positions: positions.size, problems: problems() }, 'agent started');
    return {
      url: http.url,
      metrics,
      logger,
      shutdownOrder: shutdown.order,
      containers: () => found.containers(),
      rescan: () => found.scan(),
      follow: (dir, from) => tail.start(dir, from ?? positions.get(dir.path) ?? 'end'),
      unfollow: (path) => pump.release(path),
      tailed: () => tail.paths(),
      demandRuns: () => demand?.runs() ?? [],
      problems,
      stop: (reason) => shutdown.run(reason),
    };
  } catch (error) {
    await shutdown.run('start failed');
    throw error;
  }
}

/**
 * A saved position resumes a directory only for a demand run it was tailed for before the restart:
 * that stream's listeners get what was written meanwhile; a new run starts at the end.
 */
function resumeFor(positions: PositionStore, path: string, runs: readonly string[]): TailPosition | undefined {
  const saved = positions.runsOf(path);
  return saved?.some((run) => runs.includes(run)) ? positions.get(path) : undefined;
}
