// Runs one upstream per stream key, shared by every listener of that key. A claim per key says
// when this replica runs it (cluster/stream-claim): from the first local listener until a grace
// period after the last without Redis; while it holds the stream's lease with Redis, for the
// listeners of every replica. What an upstream yields is published on the stream's bus channel by
// its StreamPublisher (a takeover's catch-up first).
import type { LogBus } from '@tailgate/bus';
import type { PluginLogger } from '@tailgate/plugin-sdk';

import type { BusFrame } from '../model/bus-message';
import type { StreamClaim, StreamClaims, UpstreamGrant } from '../cluster/stream-claim';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import type { UpstreamEndReason } from '../model/bus-message';
import { errorName } from '../model/error-name';
import type { StreamDescriptor } from '../model/stream-descriptor';
import { type PublisherDeps, StreamPublisher } from './stream-publisher';

interface StreamEntry {
  /** Local listeners following the stream. */
  refs: number;
  readonly claim: StreamClaim;
}

export interface StreamSupervisorOptions {
  readonly channelOf: (stream: StreamDescriptor) => string;
  /** Most records in one message of a takeover's catch-up. */
  readonly maxBatchRecords: number;
}

export class StreamSupervisor {
  private readonly entries = new Map<string, StreamEntry>();
  private readonly publishing: PublisherDeps;
  private stopping = false;

  constructor(
    bus: LogBus<BusFrame>,
    private readonly options: StreamSupervisorOptions,
    private readonly claims: StreamClaims,
    private readonly metrics: GatewayMetrics,
    private readonly logger: PluginLogger,
  ) {
    this.publishing = { bus, metrics, logger, maxBatchRecords: options.maxBatchRecords };
  }

  /**
   * A listener wants this stream: the claim starts its upstream when this replica may run it.
   * Resolves once the stream is live for it (StreamClaim.live): acknowledge the listener then.
   */
  acquire(stream: StreamDescriptor): Promise<void> {
    if (this.stopping) return Promise.resolve();
    const entry = this.entries.get(stream.key) ?? this.open(stream);
    if (entry.refs++ === 0) entry.claim.want(true);
    return entry.claim.live();
  }

  /** A listener left; the claim stops the upstream a grace period after the last one anywhere. */
  release(stream: StreamDescriptor): void {
    const entry = this.entries.get(stream.key);
    if (!entry || entry.refs === 0) return;
    if (--entry.refs === 0) entry.claim.want(false);
  }

  /** Stops every upstream after its last publish and hands the streams over to the other replicas. */
  async stopAll(): Promise<void> {
    this.stopping = true;
    const entries = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(entries.map((entry) => entry.claim.shutdown()));
    await this.claims.close();
  }

  private open(stream: StreamDescriptor): StreamEntry {
    const entry: StreamEntry = {
      refs: 0,
      claim: this.claims.claim(
        stream,
        (grant, signal) => this.run(stream, grant, signal),
        () => {
          if (this.entries.get(stream.key) === entry) this.entries.delete(stream.key);
        },
      ),
    };
    this.entries.set(stream.key, entry);
    return entry;
  }

  private async run(stream: StreamDescriptor, grant: UpstreamGrant, signal: AbortSignal): Promise<UpstreamEndReason> {
    const publisher = new StreamPublisher(this.publishing, { stream, channel: this.options.channelOf(stream), grant, signal });
    const stopped = () => signal.aborted || !grant.isValid();
    grant.onAnnounceRequest?.(() => publisher.announceAgain());
    this.metrics.upstreamsOpened.inc({ source: stream.source.id });
    this.metrics.upstreamsActive.inc();
    let reason: UpstreamEndReason = 'complete';
    try {
      // Opened before the catch-up is read, so nothing written meanwhile falls between the two.
      const events = stream.source.source.open(stream.selector, { signal, logger: this.logger });
      await publisher.catchUp();
      for await (const event of events) {
        if (stopped()) break;
        await publisher.publish(event);
      }
      if (stopped()) reason = 'shutdown';
    } catch (error) {
      reason = stopped() ? 'shutdown' : 'upstream_failed';
      if (reason === 'upstream_failed') this.logger.error({ source: stream.source.id, err: errorName(error) }, 'upstream failed');
    } finally {
      this.metrics.upstreamsActive.dec();
    }
    // Listeners only need telling when the upstream ended while they were still there.
    if (reason !== 'shutdown') await publisher.end(reason);
    return reason;
  }
}
