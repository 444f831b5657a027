// The gateway's side of the agent protocol, as little of it as the AG scenario needs, on plain
// ioredis: publishes (and renews) one demand for a container selector on the demand channel, and
// subscribes to that run's batch channel, where it counts the targets the agent announces and
// hands every `records` message on with its receipt time. It neither authorizes nor decodes more
// than the caller asks for: counting a batch's records scans the message, it does not parse it. A
// signed message's header line (`tgs1 …`) is skipped, not checked: checking is the gateway's cost.
import { randomBytes } from 'node:crypto';

import { batchesChannel, DEMAND_CHANNEL } from '@tailgate/plugin-agent-pod-logs';
import { PLUGIN_BUS_CHANNEL_PREFIX } from '@tailgate/plugin-sdk';
import { Redis } from 'ioredis';

import { epochMs } from './fleet-protocol';

/** Demand lives this long unless renewed, renewed this often (the gateway's defaults are alike). */
const DEMAND_TTL_MS = 10_000;
const RENEW_MS = 2_000;

const RECORDS_HEAD = '{"v":1,"t":"records"';
const ADDED_HEAD = '{"v":1,"t":"added"';
const SIGNED_HEAD = 'tgs1 ';

export type RecordsHandler = (message: string, receivedAt: number) => void;

export interface DemandSelector {
  readonly namespace?: string;
  readonly pod?: string;
  readonly container?: string;
}

export class AgentDemand {
  private added = 0;
  /** Messages heard with a signature header, and without. */
  readonly signed = { yes: 0, no: 0 };
  private addedWaiter: (() => void) | undefined;
  private renewal: NodeJS.Timeout | undefined;
  onRecords: RecordsHandler = () => undefined;

  private constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly demandChannel: string,
    private readonly demand: string,
    private readonly run: string,
  ) {}

  /** Subscribes to a fresh run's batches, then asks every agent under `keyPrefix` for `selector`. */
  static async open(url: string, keyPrefix: string, selector: DemandSelector): Promise<AgentDemand> {
    const run = randomBytes(16).toString('hex');
    const prefix = `${keyPrefix}${PLUGIN_BUS_CHANNEL_PREFIX}`;
    const publisher = new Redis(url);
    const subscriber = new Redis(url);
    const demand = JSON.stringify({ v: 1, t: 'demand', run, selector, filter: {}, ttlMs: DEMAND_TTL_MS });
    const client = new AgentDemand(publisher, subscriber, prefix + DEMAND_CHANNEL, demand, run);
    subscriber.on('message', (_channel: string, message: string) => client.hear(message));
    await subscriber.subscribe(prefix + batchesChannel(run));
    await publisher.publish(client.demandChannel, demand);
    client.renewal = setInterval(() => void publisher.publish(client.demandChannel, demand).catch(() => undefined), RENEW_MS);
    return client;
  }

  /** Resolves once the agent announced `targets` containers for this run. */
  async targetsAdded(targets: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.added < targets) {
      if (Date.now() > deadline) throw new Error(`the agent announced ${this.added} of ${targets} containers within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.addedWaiter = resolve;
        setTimeout(resolve, 100);
      });
    }
  }

  async close(): Promise<void> {
    clearInterval(this.renewal);
    await this.publisher.publish(this.demandChannel, JSON.stringify({ v: 1, t: 'release', run: this.run })).catch(() => undefined);
    this.subscriber.disconnect();
    this.publisher.disconnect();
  }

  private hear(raw: string): void {
    const signed = raw.startsWith(SIGNED_HEAD);
    const message = signed ? raw.slice(raw.indexOf('\n') + 1) : raw;
    if (signed) this.signed.yes++;
    else this.signed.no++;
    if (message.startsWith(RECORDS_HEAD)) this.onRecords(message, epochMs());
    else if (message.startsWith(ADDED_HEAD)) {
      this.added++;
      this.addedWaiter?.();
    }
  }
}

/**
 * Records in an agent `records` message without parsing it: tuples are separated by `],[`, which
 * the bench's lines never contain.
 */
export function countRecords(message: string): number {
  let count = 1;
  for (let at = message.indexOf('],[', 0); at >= 0; at = message.indexOf('],[', at + 3)) count++;
  return count;
}
