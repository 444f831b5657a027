// The node side of message authentication: every message an agent publishes (presence, stream
// records, backlog pages) goes out signed with its node's current session key, with a sequence
// number that grows with each message and keeps up with the clock in µs (a restarted agent
// continues above its predecessor, and a sequence someone pushed ahead is soon passed). The agent process gets its session from the
// gateway's session endpoint; the embedded agent derives it from the gateway's own keys.
import type { PluginBus } from '@tailgate/plugin-sdk';

import { sealAgentMessage } from './signed-agent-message';

export interface SigningKey {
  readonly node: string;
  readonly epoch: number;
  readonly key: Buffer;
}

/** Thrown by publish when no session key is at hand; the publisher counts it as a failed publish. */
export class NoAgentSessionError extends Error {
  override readonly name = 'NoAgentSessionError';
  readonly code = 'no_session';
}

export class AgentMessageSigner {
  private seq = 0;

  constructor(
    private readonly current: () => SigningKey | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** The signed form of `body` on `channel`; the sequence is taken in call order. */
  sign(channel: string, body: string): string {
    const key = this.current();
    if (key === undefined) throw new NoAgentSessionError('no agent session yet');
    this.seq = Math.max(this.seq + 1, this.now() * 1000);
    return sealAgentMessage(key.key, channel, key.node, key.epoch, this.seq, body);
  }
}

/** `bus` with every published message signed (subscriptions unchanged: demand is not signed). */
export function signingBus(bus: PluginBus, signer: AgentMessageSigner): PluginBus {
  return {
    publish: (channel, message) => {
      let signed: string;
      try {
        signed = signer.sign(channel, message);
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new NoAgentSessionError('signing failed'));
      }
      return bus.publish(channel, signed);
    },
    subscribe: (channel, onMessage) => bus.subscribe(channel, onMessage),
  };
}
