// Which agents are there, as the gateway hears them: each agent says so on AGENTS_CHANNEL every few
// seconds and whenever a gateway calls the roll. The first question after start calls the roll and
// waits rollCallMs for the answers; an agent not heard of for heartbeatTtlMs is gone. Backlog reads
// ask exactly these agents and wait for each one's answer; streams take messages only from nodes
// registered here. With agent authentication, a presence counts only when signed with a session key
// of the node it names (agent-message-verifier.ts), so a Redis writer cannot register a node.
import { setTimeout as sleep } from 'node:timers/promises';

import type { PluginBus, PluginBusUnsubscribe } from '@tailgate/plugin-sdk';

import { AGENTS_CHANNEL, DEMAND_CHANNEL } from './agent-channels';
import type { AgentMessageVerifier } from './agent-message-verifier';
import { parsePresence } from './agent-messages';

export interface AgentDirectoryOptions {
  readonly rollCallMs: number;
  readonly heartbeatTtlMs: number;
}

/** Most nodes remembered (Kubernetes supports 5,000 per cluster): names published by anyone on Redis cannot grow it further. */
export const MAX_AGENT_NODES = 10_000;

export class AgentDirectory {
  /** When each node's agent was last heard of, oldest first (an answer moves its node to the end). */
  private readonly seen = new Map<string, number>();
  private listening: Promise<void> | undefined;
  private unsubscribe: PluginBusUnsubscribe | undefined;

  constructor(
    private readonly bus: PluginBus,
    private readonly options: AgentDirectoryOptions,
    private readonly verifier: AgentMessageVerifier,
    private readonly now: () => number = Date.now,
  ) {}

  /** The nodes whose agent was heard of lately. */
  async nodes(): Promise<string[]> {
    await this.ready();
    this.forgetSilent();
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
    this.unsubscribe = await this.verifier.subscribe(this.bus, AGENTS_CHANNEL, 'agents', (raw, signedNode) => {
      const presence = parsePresence(raw);
      if (presence && this.verifier.sameNode(signedNode, presence.node, 'agents')) this.heard(presence.node);
    });
    await this.bus.publish(DEMAND_CHANNEL, JSON.stringify({ v: 1, t: 'roll-call' }));
    await sleep(this.options.rollCallMs);
  }

  private heard(node: string): void {
    this.seen.delete(node);
    this.seen.set(node, this.now());
    this.forgetSilent();
    for (const oldest of this.seen.keys()) {
      if (this.seen.size <= MAX_AGENT_NODES) break;
      this.seen.delete(oldest);
    }
  }

  /** Drops the agents not heard of for heartbeatTtlMs: the oldest come first, so this stops at the first recent one. */
  private forgetSilent(): void {
    const oldest = this.now() - this.options.heartbeatTtlMs;
    for (const [node, at] of this.seen) {
      if (at >= oldest) return;
      this.seen.delete(node);
    }
  }
}
