// Runs one upstream per stream key, shared by every listener of that key, and stops it a grace
// period after the last listener leaves. Upstream events are published on the stream's bus
// channel; records of targets the source never announced are dropped (default deny).
import type { LogBus } from '@tailgate/bus';
import { type PluginLogger, type SourceEvent, targetKey } from '@tailgate/plugin-sdk';

import type { GatewayMetrics } from '../metrics/gateway-metrics';
import { type BusMessage, encodeBusMessage, toWireRecord, toWireTarget, type UpstreamEndReason } from './bus-message';
import type { StreamDescriptor } from './stream-descriptor';

interface Upstream {
  readonly stream: StreamDescriptor;
  readonly controller: AbortController;
  refs: number;
  stopTimer: NodeJS.Timeout | undefined;
  done: Promise<void>;
}

export interface StreamSupervisorOptions {
  readonly idleGraceMs: number;
  readonly channelOf: (stream: StreamDescriptor) => string;
}

export class StreamSupervisor {
  private readonly upstreams = new Map<string, Upstream>();

  constructor(
    private readonly bus: LogBus,
    private readonly options: StreamSupervisorOptions,
    private readonly metrics: GatewayMetrics,
    private readonly logger: PluginLogger,
  ) {}

  /** A listener wants this stream: start its upstream unless it runs already. */
  acquire(stream: StreamDescriptor): void {
    const running = this.upstreams.get(stream.key);
    if (running) {
      running.refs++;
      clearTimeout(running.stopTimer);
      running.stopTimer = undefined;
      return;
    }
    const upstream: Upstream = { stream, controller: new AbortController(), refs: 1, stopTimer: undefined, done: Promise.resolve() };
    this.upstreams.set(stream.key, upstream);
    upstream.done = this.run(upstream);
  }

  /** A listener left: after the grace period with no listener, the upstream stops. */
  release(stream: StreamDescriptor): void {
    const upstream = this.upstreams.get(stream.key);
    if (!upstream || --upstream.refs > 0) return;
    upstream.stopTimer = setTimeout(() => this.stop(upstream), this.options.idleGraceMs);
    upstream.stopTimer.unref();
  }

  async stopAll(): Promise<void> {
    const all = [...this.upstreams.values()];
    for (const upstream of all) this.stop(upstream);
    await Promise.all(all.map((u) => u.done));
  }

  private stop(upstream: Upstream): void {
    clearTimeout(upstream.stopTimer);
    if (this.upstreams.get(upstream.stream.key) === upstream) this.upstreams.delete(upstream.stream.key);
    upstream.controller.abort();
  }

  private async run(upstream: Upstream): Promise<void> {
    const { stream, controller } = upstream;
    const channel = this.options.channelOf(stream);
    const announced = new Set<string>();
    this.metrics.upstreamsOpened.inc({ source: stream.source.id });
    this.metrics.upstreamsActive.inc();
    let reason: UpstreamEndReason = 'complete';
    try {
      const events = stream.source.source.open(stream.selector, { signal: controller.signal, logger: this.logger });
      for await (const event of events) {
        const message = this.toMessage(event, announced);
        if (message) await this.bus.publish(channel, encodeBusMessage(message));
      }
      if (controller.signal.aborted) reason = 'shutdown';
    } catch (error) {
      reason = controller.signal.aborted ? 'shutdown' : 'upstream_failed';
      if (reason === 'upstream_failed') this.logger.error({ source: stream.source.id, err: errorName(error) }, 'upstream failed');
    } finally {
      this.metrics.upstreamsActive.dec();
      if (this.upstreams.get(stream.key) === upstream) this.upstreams.delete(stream.key);
    }
    // Listeners only need telling when the upstream ended while they were still there.
    if (reason !== 'shutdown') await this.publishEnd(channel, reason);
  }

  private toMessage(event: SourceEvent, announced: Set<string>): BusMessage | undefined {
    if (event.type === 'target') {
      const target = toWireTarget(event.target);
      if (event.op === 'added') {
        announced.add(targetKey(event.target));
        return { t: 'target', op: 'added', target };
      }
      announced.delete(targetKey(event.target));
      return event.reason === undefined
        ? { t: 'target', op: 'removed', target }
        : { t: 'target', op: 'removed', target, reason: event.reason };
    }
    const records = event.records.filter((record) => announced.has(targetKey(record.target)));
    if (records.length < event.records.length) {
      this.metrics.recordsDropped.inc({ reason: 'unannounced_target' }, event.records.length - records.length);
    }
    return records.length === 0 ? undefined : { t: 'records', records: records.map(toWireRecord) };
  }

  private async publishEnd(channel: string, reason: UpstreamEndReason): Promise<void> {
    try {
      await this.bus.publish(channel, encodeBusMessage({ t: 'end', reason }));
    } catch (error) {
      this.logger.warn({ err: errorName(error) }, 'could not publish the end of a stream');
    }
  }
}

function errorName(error: unknown): string {
  if (error instanceof Error) return 'code' in error && typeof error.code === 'string' ? `${error.name}(${error.code})` : error.name;
  return 'unknown';
}
