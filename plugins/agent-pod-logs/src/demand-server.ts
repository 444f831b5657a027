// The node side of the agent protocol: hears demand on the bus, tails exactly the containers of
// this node that some live demand covers, and publishes their records — filtered per demand, one
// serialisation per batch and filter — on each demand's batch channel. Demand lasts `ttlMs` unless
// renewed; a sweep drops what expired, so a gateway that dies leaves no tail open. Bounded: demands
// served at once, containers per demand, bytes per published message. It never decides who sees
// what (the gateway authorizes every target) and never logs a line or a message's content.
import type { LogRecord, PluginBus, PluginBusUnsubscribe, PluginLogger } from '@tailgate/plugin-sdk';
import type { AgentTailEvent, ContainerLogDir, TailerOptions } from '@tailgate/cri-logs';

import { AGENTS_CHANNEL, batchesChannel, DEMAND_CHANNEL } from './agent-channels';
import {
  type AgentMessage,
  type AgentRefusalCode,
  type ContainerSelector,
  type Demand,
  parseDemandMessage,
  recordTuple,
} from './agent-messages';
import { cutBySize, type DistributiveOmit, encodeAgentMessage } from './agent-message-encoding';
import { BacklogServer, targetOf } from './backlog-server';
import { applyLineFilter, compileLineFilter, type LineFilter } from './line-filter';

/** The tailing the server drives: the node's containers, and following them. */
export interface NodeTailing {
  /** The container directories on this node at the last listing. */
  containers(): readonly ContainerLogDir[];
  /** Lists them now (a listing in flight is awaited instead). */
  rescan(): Promise<void>;
  /**
   * Starts tailing a directory for these demand runs: at its current end, unless the tailing side
   * kept a position from tailing it for one of these runs before (an agent restart).
   */
  follow(dir: ContainerLogDir, runs: readonly string[]): void;
  /** Stops tailing it; the next `follow` starts at the end again. */
  unfollow(path: string): Promise<void>;
}

export interface DemandServerOptions {
  readonly nodeName: string;
  /** Most containers one demand is served for; the first ones by path. */
  readonly maxContainersPerDemand: number;
  /** Most demands served at once. */
  readonly maxDemands: number;
  /** Largest record message published, in bytes (a single longer record goes alone). */
  readonly maxBatchBytes: number;
  /** How often expired demand is dropped and the containers are matched again, in ms. */
  readonly sweepIntervalMs: number;
  /** How backlog reads read files (as the tail does, so cursors match). */
  readonly read: TailerOptions;
  /** How often the agent says it is there (AGENTS_CHANNEL), in ms. Default 5 000. */
  readonly heartbeatMs?: number;
  readonly now?: () => number;
}

/** What the server counts; the agent turns these into metrics. */
export interface DemandServerCounts {
  demandsRefused: Partial<Record<AgentRefusalCode, number>>;
  publishFailures: number;
  recordsPublished: number;
  recordsFiltered: number;
}

interface ServedDemand {
  readonly demand: Demand;
  readonly channel: string;
  readonly filter: LineFilter | undefined;
  /** Demands with equal filters share one serialisation of a batch. */
  readonly filterKey: string;
  expiresAt: number;
  readonly covered: Map<string, ContainerLogDir>;
  toldTooMany: boolean;
}

/** Steps' record batches on their way to the bus unacknowledged, at most: a slow bus still slows the reading. */
const MAX_IN_FLIGHT = 8;

export class DemandServer {
  private readonly demands = new Map<string, ServedDemand>();
  private readonly followed = new Set<string>();
  /** Directories the tail found gone; not followed again while the listing still shows them. */
  private readonly gone = new Set<string>();
  private readonly now: () => number;
  private unsubscribe: PluginBusUnsubscribe | undefined;
  private timer: NodeJS.Timeout | undefined;
  private reconciling: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly failuresLogged = new Set<string>();
  /** Runs refused for too_many_demands. */
  private readonly overLimit = new Set<string>();
  private readonly backlogs: BacklogServer;
  private heartbeat: NodeJS.Timeout | undefined;
  readonly counts: DemandServerCounts = { demandsRefused: {}, publishFailures: 0, recordsPublished: 0, recordsFiltered: 0 };
  /** Record batches published and not yet acknowledged (each settles as sent or counted as failed). */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly bus: PluginBus,
    private readonly tailing: NodeTailing,
    private readonly options: DemandServerOptions,
    private readonly logger: PluginLogger,
  ) {
    this.now = options.now ?? Date.now;
    const { nodeName, read, maxContainersPerDemand, maxDemands: maxReads, maxBatchBytes } = options;
    this.backlogs = new BacklogServer(
      { nodeName, read, maxContainersPerDemand, maxReads, maxBatchBytes },
      {
        select: async (request) => {
          await this.tailing.rescan();
          return this.matching(request.selector, this.tailing.containers());
        },
        send: (channel, body) => this.send(channel, this.message(body)),
        now: () => this.now(),
      },
    );
  }

  async start(): Promise<void> {
    this.unsubscribe ??= await this.bus.subscribe(DEMAND_CHANNEL, (raw) => void this.hear(raw));
    this.timer ??= setInterval(() => void this.sweep(), this.options.sweepIntervalMs);
    this.timer.unref();
    await this.announce();
    this.heartbeat ??= setInterval(() => void this.announce(), this.options.heartbeatMs ?? 5_000);
    this.heartbeat.unref();
  }

  /**
   * Stops hearing demand. The tails it started, and the runs they serve, stay for their owner: the
   * agent saves both at shutdown, so that a restart resumes them once the same runs renew demand.
   */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.heartbeat);
    this.timer = undefined;
    this.stopped = true;
    await this.backlogs.closeAll();
    await this.unsubscribe?.().catch(() => undefined);
    this.unsubscribe = undefined;
    await this.reconciling;
    await this.settled();
  }

  /** Backlog reads open now. */
  get backlogReads(): number {
    return this.backlogs.size;
  }

  /** Runs served now (for tests and metrics). */
  runs(): readonly string[] {
    return [...this.demands.keys()];
  }

  /** The runs a directory is tailed for. */
  runsCovering(path: string): string[] {
    return [...this.demands].flatMap(([run, served]) => (served.covered.has(path) ? [run] : []));
  }

  /** Drops expired demand and matches the containers listed now. */
  async sweep(): Promise<void> {
    const now = this.now();
    for (const [run, served] of this.demands) if (served.expiresAt <= now) this.demands.delete(run);
    await this.backlogs.sweep();
    return this.schedule();
  }

  /**
   * Takes a step's events from the tail: records go to the demands covering their container.
   * Resolves once the records are on their way (the bus connection keeps their order), with at
   * most MAX_IN_FLIGHT steps' batches unacknowledged, so the next read does not wait for a round
   * trip; `settled` waits for all of them.
   */
  async deliver(events: readonly AgentTailEvent[]): Promise<void> {
    for (const event of events) {
      if (event.type === 'records') {
        while (this.inFlight.size >= MAX_IN_FLIGHT) await Promise.race(this.inFlight);
        const sent = this.publishRecords(event.dir, event.records);
        this.inFlight.add(sent);
        void sent.then(() => this.inFlight.delete(sent));
      } else if (event.type === 'gone') {
        await this.settled();
        await this.dirGone(event.dir);
      }
    }
  }

  /** Resolves once every batch handed over is published or counted as failed (before positions are saved). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** One message from the demand channel. */
  async hear(raw: string): Promise<void> {
    if (this.stopped) return;
    const parsed = parseDemandMessage(raw);
    if ('refused' in parsed) return this.refuse(parsed.refused, parsed.run);
    if (parsed.t === 'roll-call') return this.announce();
    if (parsed.t === 'release') {
      if (this.demands.delete(parsed.run)) await this.schedule();
      return;
    }
    if (parsed.node !== undefined && parsed.node !== this.options.nodeName) return;
    if (parsed.t === 'backlog') return this.backlogs.start(parsed);
    if (parsed.t === 'credit') return this.backlogs.credit(parsed.run, parsed.pages);
    if (parsed.t === 'cancel') return this.backlogs.cancel(parsed.run);
    const known = this.demands.get(parsed.run);
    if (known) {
      known.expiresAt = this.now() + parsed.ttlMs;
      return;
    }
    if (this.demands.size >= this.options.maxDemands) {
      // Said once per run, not at every renewal (the set is bounded: cleared when it grows large).
      if (this.overLimit.size >= 10 * this.options.maxDemands) this.overLimit.clear();
      if (this.overLimit.has(parsed.run)) return;
      this.overLimit.add(parsed.run);
      return this.refuse('too_many_demands', parsed.run, this.options.maxDemands);
    }
    this.demands.set(parsed.run, {
      demand: parsed,
      channel: batchesChannel(parsed.run),
      filter: compileLineFilter(parsed.filter),
      filterKey: JSON.stringify(parsed.filter),
      expiresAt: this.now() + parsed.ttlMs,
      covered: new Map(),
      toldTooMany: false,
    });
    // A container created just before the subscription is found at once, not at the next listing.
    await this.tailing.rescan();
    await this.schedule();
  }

  /** Reconciliations run one at a time, each against the state when it starts. */
  private schedule(): Promise<void> {
    if (this.stopped) return this.reconciling;
    this.reconciling = this.reconciling.then(() => this.reconcile()).catch((error: unknown) => this.logFailure('reconcile', error));
    return this.reconciling;
  }

  private async reconcile(): Promise<void> {
    const listed = this.tailing.containers();
    const present = new Set(listed.map((dir) => dir.path));
    for (const path of this.gone) if (!present.has(path)) this.gone.delete(path);
    const wanted = new Map<string, ContainerLogDir>();
    for (const served of this.demands.values()) {
      await this.cover(served, listed);
      for (const [path, dir] of served.covered) wanted.set(path, dir);
    }
    for (const [path, dir] of wanted) {
      if (this.followed.has(path)) continue;
      this.followed.add(path);
      this.tailing.follow(dir, this.runsCovering(path));
    }
    for (const path of [...this.followed]) {
      if (wanted.has(path)) continue;
      this.followed.delete(path);
      await this.tailing.unfollow(path);
    }
  }

  /** The containers a selector covers: the first maxContainersPerDemand by path, and whether there were more. */
  private matching(selector: ContainerSelector, listed: readonly ContainerLogDir[]): ContainerLogDir[] & { more?: boolean } {
    const all = listed.filter((dir) => !this.gone.has(dir.path) && selects(selector, dir)).sort((a, b) => (a.path < b.path ? -1 : 1));
    const kept: ContainerLogDir[] & { more?: boolean } = all.slice(0, this.options.maxContainersPerDemand);
    kept.more = all.length > kept.length;
    return kept;
  }

  /** Says on AGENTS_CHANNEL that this node's agent is there (also every heartbeatMs and on a roll call). */
  async announce(): Promise<void> {
    await this.send(AGENTS_CHANNEL, JSON.stringify({ v: 1, t: 'agent', node: this.options.nodeName }));
  }

  /** Matches one demand against the listed containers and announces what it gained and lost. */
  private async cover(served: ServedDemand, listed: readonly ContainerLogDir[]): Promise<void> {
    const matching = this.matching(served.demand.selector, listed);
    if (matching.more === true && !served.toldTooMany) {
      served.toldTooMany = true;
      await this.refuse('too_many_containers', served.demand.run, this.options.maxContainersPerDemand);
    }
    const now = new Map(matching.map((dir) => [dir.path, dir]));
    for (const [path, dir] of served.covered) {
      if (now.has(path)) continue;
      served.covered.delete(path);
      await this.send(served.channel, this.message({ t: 'removed', target: targetOf(dir) }));
    }
    for (const [path, dir] of now) {
      if (served.covered.has(path)) continue;
      served.covered.set(path, dir);
      await this.send(served.channel, this.message({ t: 'added', target: targetOf(dir) }));
    }
  }

  private async dirGone(dir: ContainerLogDir): Promise<void> {
    this.gone.add(dir.path);
    this.followed.delete(dir.path);
    for (const served of this.demands.values()) {
      if (!served.covered.delete(dir.path)) continue;
      await this.send(served.channel, this.message({ t: 'removed', target: targetOf(dir), reason: 'deleted' }));
    }
  }

  /** Issued together: one connection keeps them in order, and a step waits for one round trip, not one per message. */
  private async publishRecords(dir: ContainerLogDir, records: readonly LogRecord[]): Promise<void> {
    const sent: Promise<void>[] = [];
    const encoded = new Map<string, { readonly messages: string[]; readonly kept: number }>();
    for (const served of this.demands.values()) {
      if (!served.covered.has(dir.path)) continue;
      let batch = encoded.get(served.filterKey);
      if (batch === undefined) {
        const kept = applyLineFilter(records, served.filter);
        this.counts.recordsFiltered += records.length - kept.length;
        const target = targetOf(dir);
        const messages = cutBySize(kept, this.options.maxBatchBytes, recordTuple).map((run) =>
          this.message({ t: 'records', target, records: run }),
        );
        batch = { messages, kept: kept.length };
        encoded.set(served.filterKey, batch);
      }
      for (const message of batch.messages) sent.push(this.send(served.channel, message));
      this.counts.recordsPublished += batch.kept;
    }
    await Promise.all(sent);
  }

  private message(body: DistributiveOmit<AgentMessage, 'v' | 'node'>): string {
    return encodeAgentMessage(this.options.nodeName, body);
  }

  private async refuse(code: AgentRefusalCode, run: string | undefined, max?: number): Promise<void> {
    this.counts.demandsRefused[code] = (this.counts.demandsRefused[code] ?? 0) + 1;
    this.logger.warn({ code, ...(max !== undefined && { max }) }, 'demand refused');
    if (run === undefined) return;
    await this.send(batchesChannel(run), this.message(max === undefined ? { t: 'refused', code } : { t: 'refused', code, max }));
  }

  private async send(channel: string, message: string): Promise<void> {
    try {
      await this.bus.publish(channel, message);
    } catch (error) {
      this.counts.publishFailures++;
      this.logFailure('publish', error);
    }
  }

  /** Once per kind and error name: a bus outage does not flood the log. */
  private logFailure(kind: string, error: unknown): void {
    const name = error instanceof Error ? error.name : 'unknown';
    const key = `${kind} ${name}`;
    if (this.failuresLogged.has(key)) return;
    this.failuresLogged.add(key);
    this.logger.error({ code: `${kind}_failed`, err: name }, 'agent demand server step failed; going on');
  }
}

function selects(selector: ContainerSelector, dir: ContainerLogDir): boolean {
  const { target } = dir;
  return (
    (selector.namespace === undefined || selector.namespace === target.namespace) &&
    (selector.pod === undefined || selector.pod === target.pod) &&
    (selector.container === undefined || selector.container === target.container)
  );
}
