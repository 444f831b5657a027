// The bus as the fan-outs see it with Redis: every subscription gets its own fence gate (one
// channel is one stream), so messages of a deposed holder never reach listeners, live or replayed
// (the rules: fencing-token).
import type {
  ConnectionState,
  MessageHandler,
  MessageId,
  PublishOptions,
  ReplayableLogBus,
  ReplayResult,
  Unsubscribe,
} from '@tailgate/bus';

import type { GatewayMetrics } from '../metrics/gateway-metrics';
import { type BusFrame, busMessageFence } from '../model/bus-message';
import { FenceGate } from '../model/fencing-token';

export class FencedLogBus implements ReplayableLogBus<BusFrame> {
  constructor(
    private readonly bus: ReplayableLogBus<BusFrame>,
    /** How long only lower tokens must come before the gate believes the counter restarted. */
    private readonly resetAfterMs: number,
    private readonly metrics: GatewayMetrics,
  ) {}

  publish(channel: string, message: BusFrame, options?: PublishOptions): Promise<void> {
    return this.bus.publish(channel, message, options);
  }

  subscribe(channel: string, onMessage: MessageHandler<BusFrame>): Promise<Unsubscribe> {
    const gate = new FenceGate(this.resetAfterMs);
    return this.bus.subscribe(channel, (message, id) => {
      if (gate.admit(busMessageFence(message))) onMessage(message, id);
      else this.metrics.fencedMessages.inc();
    });
  }

  async replay(channel: string, afterId?: MessageId): Promise<ReplayResult<BusFrame>> {
    const { messages, complete } = await this.bus.replay(channel, afterId);
    const gate = new FenceGate(this.resetAfterMs);
    const admitted = messages.filter(({ message }) => gate.admit(busMessageFence(message)));
    this.metrics.fencedMessages.inc(messages.length - admitted.length);
    return { messages: admitted, complete };
  }

  onConnectionChange(listener: (state: ConnectionState) => void): () => void {
    return this.bus.onConnectionChange(listener);
  }

  close(): Promise<void> {
    return this.bus.close();
  }
}
