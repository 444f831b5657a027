// The shared medium of in-process buses — what Redis is to RedisLogBus. Each bus gets a private
// hub by default; buses given the same hub see each other's messages, like processes on one Redis.

/** A bus attached to a hub: receives every message published on the channels it attached to. */
export interface HubEndpoint {
  deliver(channel: string, message: string): void;
}

export class InProcessLogHub {
  private readonly endpoints = new Map<string, Set<HubEndpoint>>();

  attach(channel: string, endpoint: HubEndpoint): void {
    const attached = this.endpoints.get(channel) ?? new Set<HubEndpoint>();
    attached.add(endpoint);
    this.endpoints.set(channel, attached);
  }

  detach(channel: string, endpoint: HubEndpoint): void {
    const attached = this.endpoints.get(channel);
    attached?.delete(endpoint);
    if (attached?.size === 0) this.endpoints.delete(channel);
  }

  /** How many endpoints listen on a channel (the hub's `PUBSUB NUMSUB`). */
  subscriberCount(channel: string): number {
    return this.endpoints.get(channel)?.size ?? 0;
  }

  /**
   * Queues delivery to the endpoints attached right now. Delivery runs in a microtask, so a
   * handler never runs inside `publish`, and microtasks run in queue order, so order is kept.
   */
  publish(channel: string, message: string): void {
    const attached = this.endpoints.get(channel);
    if (attached === undefined) return;
    const recipients = [...attached];
    queueMicrotask(() => {
      for (const endpoint of recipients) endpoint.deliver(channel, message);
    });
  }
}
