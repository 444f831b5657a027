// The node side of message authentication: every message an agent publishes (presence, stream
// records, backlog pages) goes out signed with its node's current session key, with a sequence
// number that grows with each message and keeps up with the clock in µs (a restarted agent
// continues above its predecessor, and a sequence someone pushed ahead is soon passed). The agent process gets its session from the
// gateway's session endpoint; the embedded agent derives it from the gateway's own keys.
import type { PluginBus } from '@tailgate/plugin-sdk';

import { sealAgentMessage, sealAgentMessageBytes } from './signed-agent-message';

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
    const { key, seq } = this.next();
    return sealAgentMessage(key.key, channel, key.node, key.epoch, seq, body);
  }

  /** The same as `sign`, as UTF-8 bytes to publish as they are. */
  signBytes(channel: string, body: string): Buffer {
    const { key, seq } = this.next();
    return sealAgentMessageBytes(key.key, channel, key.node, key.epoch, seq, body);
  }

  private next(): { readonly key: SigningKey; readonly seq: number } {
    const key = this.current();
    if (key === undefined) throw new NoAgentSessionError('no agent session yet');
    this.seq = Math.max(this.seq + 1, this.now() * 1000);
    return { key, seq: this.seq };
  }
}

/** Publishes a message given as bytes: the agent's Redis connection writes them without re-encoding a string. */
export type PublishBytes = (channel: string, message: Buffer) => Promise<void>;

/**
 * `bus` with every published message signed (subscriptions unchanged: demand is not signed). With
 * `publishBytes`, signed messages go out through it as bytes instead of through `bus` as strings.
 */
export function signingBus(bus: PluginBus, signer: AgentMessageSigner, publishBytes?: PublishBytes): PluginBus {
  return {
    publish: (channel, message) => {
      try {
        if (publishBytes) return publishBytes(channel, signer.signBytes(channel, message));
        return bus.publish(channel, signer.sign(channel, message));
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new NoAgentSessionError('signing failed'));
      }
    },
    subscribe: (channel, onMessage) => bus.subscribe(channel, onMessage),
  };
}
