// The Redis bus as the gateway's frame bus: messages published as objects are encoded to JSON
// here, once, on their way out (bus-message.ts); what arrives is handed on as the JSON it is, to
// be checked where it is decoded.
import type {
  ConnectionState,
  MessageHandler,
  MessageId,
  PublishOptions,
  ReplayableLogBus,
  ReplayResult,
  Unsubscribe,
} from '@tailgate/bus';

import { type BusFrame, encodeBusMessage } from './bus-message';

export class JsonFrameBus implements ReplayableLogBus<BusFrame> {
  constructor(private readonly bus: ReplayableLogBus) {}

  publish(channel: string, frame: BusFrame, options?: PublishOptions): Promise<void> {
    return this.bus.publish(channel, typeof frame === 'string' ? frame : encodeBusMessage(frame), options);
  }

  subscribe(channel: string, onMessage: MessageHandler<BusFrame>): Promise<Unsubscribe> {
    return this.bus.subscribe(channel, onMessage);
  }

  replay(channel: string, afterId?: MessageId): Promise<ReplayResult<BusFrame>> {
    return this.bus.replay(channel, afterId);
  }

  onConnectionChange(listener: (state: ConnectionState) => void): () => void {
    return this.bus.onConnectionChange(listener);
  }

  close(): Promise<void> {
    return this.bus.close();
  }
}
