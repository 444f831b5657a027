// The agent's one composition root: builds everything in order — log, metrics and the health
// server, saved positions, container inventory, the tailing engine and its pump, readiness — and
// registers, for each, the named step that undoes it; `stop()` (SIGTERM, SIGINT) runs those in
// reverse. Used by main.ts and by tests, which get the in-process tail API: follow a container
// from a position, stop it, and receive its batches through `sink`.
import { AgentTail, type ContainerLogDir, type TailFrom } from '@tailgate/plugin-node-file';
import type pino from 'pino';
import type { Logger } from 'pino';

import type { AgentConfig } from './agent-config';
import type { AgentProblemCode } from './agent-error';
import { createAgentLogger } from './agent-logger';
import { AgentMetrics } from './agent-metrics';
import { ContainerInventory, type InventoryContainer } from './container-inventory';
import { startHealthServer } from './health-server';
import { PositionStore } from './position-store';
import { ShutdownSequence } from './shutdown-sequence';
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
  /** What keeps the agent from being ready; empty when ready. */
  problems(): readonly AgentProblemCode[];
  /** Runs the shutdown sequence (once). */
  stop(reason: string): Promise<void>;
}

type AgentPhase = 'starting' | 'running' | 'stopping';

export async function startAgent(config: AgentConfig, options: StartAgentOptions = {}): Promise<RunningAgent> {
  const logger = createAgentLogger(config.logLevel, config.nodeName, options.logDestination);
  const shutdown = new ShutdownSequence(logger);
  shutdown.add('log', () => logger.flush());
  let phase: AgentPhase = 'starting';
  let inventory: ContainerInventory | undefined;
  const problems = (): AgentProblemCode[] => {
    if (phase === 'starting') return ['starting'];
    if (phase === 'stopping') return ['shutting_down'];
    return inventory?.problem ? [inventory.problem] : [];
  };
  try {
    const metrics = new AgentMetrics();
    metrics.observeReadiness(() => problems().length === 0);
    // Up first and down last: probes get answers (503 until ready) while the rest starts and stops.
    const http = await startHealthServer(config.httpHost, config.httpPort, problems, metrics);
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

    const tail = new AgentTail({
      readChunkBytes: config.readBufferBytes,
      maxLineBytes: config.maxLineBytes,
      maxBatchRecords: config.maxBatchRecords,
      pollIntervalMs: config.pollIntervalMs,
      watchFiles: config.watchFiles,
    });
    const pump = new TailPump(tail, positions, options.sink ?? (() => undefined), metrics, logger, config.checkpointIntervalMs);
    pump.start();
    shutdown.add('tailing', async () => {
      await pump.stop();
      await tail.close();
    });

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
      problems,
      stop: (reason) => shutdown.run(reason),
    };
  } catch (error) {
    await shutdown.run('start failed');
    throw error;
  }
}
