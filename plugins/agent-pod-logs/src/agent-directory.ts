// Which agents are there, as the gateway hears them: each agent says so on AGENTS_CHANNEL every few
// seconds and whenever a gateway calls the roll. The first question after start calls the roll and
// waits rollCallMs for the answers; an agent not heard of for heartbeatTtlMs is gone. Backlog reads
// ask exactly these agents and wait for each one's answer; streams take messages only from nodes
// registered here (docs/security.md: anyone who may publish on Redis can still register a name).
import { setTimeout as sleep } from 'node:timers/promises';

import type { PluginBus, PluginBusUnsubscribe } from '@tailgate/plugin-sdk';

import { AGENTS_CHANNEL, DEMAND_CHANNEL } from './agent-channels';
import { parsePresence } from './agent-messages';

export interface AgentDirectoryOptions {
  readonly rollCallMs: number;
  readonly heartbeatTtlMs: number;
}

export class AgentDirectory {
  private readonly seen = new Map<string, number>();
  private listening: Promise<void> | undefined;
  private unsubscribe: PluginBusUnsubscribe | undefined;

  constructor(
    private readonly bus: PluginBus,
    private readonly options: AgentDirectoryOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** The nodes whose agent was heard of lately. */
  async nodes(): Promise<string[]> {
    await this.ready();
    const oldest = this.now() - this.options.heartbeatTtlMs;
    for (const [node, at] of this.seen) if (at < oldest) this.seen.delete(node);
    return [...this.seen.keys()].sort();
  }

  /** Starts listening (calling the roll and waiting for the answers the first time). */
  async ready(): Promise<void> {
    this.listening ??= this.listen();
    await this.listening;
  }

  /** Whether the agent of `node` was heard of lately. */
  registered(node: string): boolean {
    const at = this.seen.get(node);
    return at !== undefined && at >= this.now() - this.options.heartbeatTtlMs;
  }

  async stop(): Promise<void> {
    await this.unsubscribe?.().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    this.unsubscribe = await this.bus.subscribe(AGENTS_CHANNEL, (raw) => {
      const presence = parsePresence(raw);
      if (presence) this.seen.set(presence.node, this.now());
    });
    await this.bus.publish(DEMAND_CHANNEL, JSON.stringify({ v: 1, t: 'roll-call' }));
    await sleep(this.options.rollCallMs);
  }
}
