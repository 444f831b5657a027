// The gateway's gate in front of every agent message (agents channel, stream runs' and backlog
// reads' batch channels): with agent authentication on, a message is read only when its signature
// holds (signed-agent-message.ts), and its body must then name the node the key was issued for.
// What fails is dropped before parsing, counted by reason in tailgate_agent_messages_refused_total,
// and logged by code once per reason and channel kind — never with its content. With
// authentication off (`agentAuthentication.mode: none`) messages pass as they are.
import type { PluginBus, PluginBusUnsubscribe, PluginCounter, PluginLogger, PluginMetrics } from '@tailgate/plugin-sdk';

import type { AgentSessionKeys } from './agent-session-keys';
import { type MessageRefusalReason, openAgentMessage } from './signed-agent-message';

export const MESSAGES_REFUSED_METRIC = 'tailgate_agent_messages_refused_total';

/** A reason a verified message is still refused: its body names another node than its key. */
export type AgentMessageRefusal = MessageRefusalReason | 'node_mismatch';

/** A message that passed: its body, and the node its signature proves (undefined without authentication). */
export type VerifiedHandler = (body: string, signedNode: string | undefined) => void;

export class AgentMessageVerifier {
  private readonly refused: PluginCounter<'reason'>;
  private readonly logged = new Set<string>();

  constructor(
    /** Undefined: authentication off, every message passes. */
    private readonly keys: AgentSessionKeys | undefined,
    metrics: PluginMetrics,
    private readonly logger: PluginLogger,
  ) {
    this.refused = metrics.counter({
      name: MESSAGES_REFUSED_METRIC,
      help: 'Messages on the agent channels the gateway refused before reading them, by reason: unsigned, bad_signature, expired_key, replayed, node_mismatch (signed by one node, naming another).',
      labelNames: ['reason'],
    });
  }

  get authenticating(): boolean {
    return this.keys !== undefined;
  }

  /** Subscribes to `channel`, handing `onMessage` only what passes. */
  subscribe(bus: PluginBus, channel: string, kind: string, onMessage: VerifiedHandler): Promise<PluginBusUnsubscribe> {
    const keys = this.keys;
    if (keys === undefined) return bus.subscribe(channel, (raw) => onMessage(raw, undefined));
    // Per subscription: the highest sequence taken from each node on this channel.
    const lastSeq = new Map<string, number>();
    return bus.subscribe(channel, (raw) => {
      const opened = openAgentMessage(keys, channel, raw, lastSeq);
      if (opened.ok) onMessage(opened.body, opened.node);
      else this.refuse(opened.reason, kind);
    });
  }

  /** True when the body's node is the signed one (or nothing was signed); counts a mismatch. */
  sameNode(signedNode: string | undefined, claimed: string, kind: string): boolean {
    if (signedNode === undefined || signedNode === claimed) return true;
    this.refuse('node_mismatch', kind);
    return false;
  }

  private refuse(reason: AgentMessageRefusal, kind: string): void {
    this.refused.inc({ reason });
    const id = `${reason} ${kind}`;
    if (this.logged.has(id)) return;
    this.logged.add(id);
    this.logger.warn({ code: reason, channel: kind }, 'refused an agent message: not signed by a session of its node');
  }
}
