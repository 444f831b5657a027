// The listeners of one stream whose connection fell behind (more than its `listenerBufferBytes`
// waiting to be written). They sit in the stream's slow room, which every class-room broadcast
// excepts, so a slow client costs the others nothing; what it would have received waits in its
// SlowLane, oldest batches dropped past the cap, and is sent as its connection drains, with one
// `dropped` where each gap is. A listener whose lane is empty is back on the broadcasts.
import {
  type DeniedEvent,
  droppedEvent,
  type GapEvent,
  type HiddenEvent,
  type RecordsEvent,
  recordsEvent,
  type TargetEvent,
  type WireRecord,
} from '@tailgate/contracts';

import type { GatewayMetrics } from '../metrics/gateway-metrics';
import { outstandingBytes } from '../wire/outstanding-bytes';
import { batchBytes } from './batch-bytes';
import { countDelivered, creditTally } from './delivered-tally';
import { SlowLane } from './slow-lane';
import type { StreamListener } from './stream-listener';

/** What may wait in a lane: everything sent to one listener while it is live. */
export type LaneItem =
  | { readonly event: 'records'; readonly payload: RecordsEvent }
  | { readonly event: 'target'; readonly payload: TargetEvent }
  | { readonly event: 'denied'; readonly payload: DeniedEvent }
  | { readonly event: 'hidden'; readonly payload: HiddenEvent }
  | { readonly event: 'gap'; readonly payload: GapEvent };

/** How often slow connections are looked at for room to send more. */
const DRAIN_INTERVAL_MS = 10;
/** A lane sends again once its connection has at most this share of its cap waiting. */
const RESUME_AT = 0.5;
/** Bytes a `target`, `denied` or `gap` event counts for in a lane. */
const EVENT_BYTES = 200;
const NONE: readonly StreamListener[] = [];

export interface SlowListenersDeps {
  readonly metrics: GatewayMetrics;
  /** Runs a task in the stream's order, after whatever it is delivering now. */
  readonly schedule: (task: () => void) => void;
}

export class SlowListeners {
  /** Every slow listener's socket is in this room while it is slow. */
  readonly room: string;
  private readonly lanes = new Map<StreamListener, SlowLane<LaneItem>>();
  private timer: NodeJS.Timeout | undefined;
  private drainQueued = false;

  constructor(
    private readonly streamId: string,
    private readonly deps: SlowListenersDeps,
  ) {
    this.room = `${streamId}:slow-lane`;
  }

  get size(): number {
    return this.lanes.size;
  }

  /** The members (listener ids) that are slow, now or from this check on; checked once per batch, not per record. */
  behindAmong(members: Iterable<string>, listeners: { get(id: string): StreamListener | undefined }): readonly StreamListener[] {
    let behind: StreamListener[] | undefined;
    for (const id of members) {
      const listener = listeners.get(id);
      if (listener && this.isBehind(listener)) (behind ??= []).push(listener);
    }
    return behind ?? NONE;
  }

  /** Sends one listener a live batch of its own, or queues it when its connection is behind. */
  sendRecords(listener: StreamListener, batch: readonly WireRecord[]): void {
    if (batch.length === 0) return;
    if (this.isBehind(listener)) return this.queueRecords([listener], batch);
    listener.socket.emit('records', recordsEvent(this.streamId, batch));
    creditTally(listener, countDelivered(this.deps.metrics, batch));
  }

  /** Queues one batch for slow listeners (shared, sized once), each dropping its oldest past its cap. */
  queueRecords(listeners: readonly StreamListener[], batch: readonly WireRecord[]): void {
    const item: LaneItem = { event: 'records', payload: recordsEvent(this.streamId, batch) };
    const bytes = batchBytes(batch);
    for (const listener of listeners) this.queue(listener, item, bytes, batch.length);
  }

  /** Sends a target change (or a gap) now, or after what a slow listener still has queued. */
  send(listener: StreamListener, item: Exclude<LaneItem, { event: 'records' }>): void {
    if (this.lanes.has(listener)) this.queue(listener, item, EVENT_BYTES, 0);
    else emitItem(listener, item);
  }

  /** Drops from every lane the records its listener may no longer read (access was re-checked). */
  retain(mayRead: (listener: StreamListener, record: WireRecord) => boolean): void {
    for (const [listener, lane] of this.lanes) {
      this.measure(lane, () =>
        lane.rewrite((item) => {
          if (item.event !== 'records') return { item, bytes: EVENT_BYTES, records: 0 };
          const batch = item.payload.batch.filter((record) => mayRead(listener, record));
          return batch.length === 0
            ? undefined
            : {
                item: { event: 'records', payload: recordsEvent(item.payload.sub, batch) },
                bytes: batchBytes(batch),
                records: batch.length,
              };
        }),
      );
    }
  }

  /** The listener's subscription ends: what its lane held is reported as dropped, then forgotten. */
  end(listener: StreamListener): void {
    const lane = this.lanes.get(listener);
    if (!lane) return;
    const { queued, unreported } = this.measure(lane, () => lane.clear());
    this.release(listener);
    if (queued > 0) this.deps.metrics.recordsDropped.inc({ reason: 'slow_listener' }, queued);
    if (queued + unreported > 0) listener.socket.emit('dropped', droppedEvent(this.streamId, queued + unreported));
  }

  /** Forgets a listener that left; nothing more is sent to it. */
  release(listener: StreamListener): void {
    const lane = this.lanes.get(listener);
    if (!lane) return;
    this.deps.metrics.slowLaneBytes.dec(lane.bytes);
    this.deps.metrics.listenersSlow.dec();
    // What it still held no longer counts toward its connection's budget.
    lane.clear();
    this.lanes.delete(listener);
    void listener.socket.leave(this.room);
    if (this.lanes.size === 0) this.stopTimer();
  }

  close(): void {
    for (const listener of [...this.lanes.keys()]) this.release(listener);
  }

  /** Sends each slow listener what its connection has room for; an emptied lane puts it back on the broadcasts. */
  drain(): void {
    for (const [listener, lane] of this.lanes) {
      const waiting = outstandingBytes(listener.socket);
      if (waiting > lane.capBytes * RESUME_AT) continue;
      const { entries, droppedAfter } = this.measure(lane, () => lane.take(lane.capBytes - waiting));
      for (const { item, droppedBefore } of entries) {
        if (droppedBefore > 0) listener.socket.emit('dropped', droppedEvent(this.streamId, droppedBefore));
        emitItem(listener, item);
        if (item.event !== 'records') continue;
        creditTally(listener, countDelivered(this.deps.metrics, item.payload.batch));
      }
      if (droppedAfter > 0) listener.socket.emit('dropped', droppedEvent(this.streamId, droppedAfter));
      if (lane.isEmpty) this.release(listener);
    }
  }

  private isBehind(listener: StreamListener): boolean {
    if (this.lanes.size > 0 && this.lanes.has(listener)) return true;
    const cap = listener.socket.data.listenerBufferBytes;
    if (outstandingBytes(listener.socket) <= cap) return false;
    this.lanes.set(listener, new SlowLane(cap, listener.socket.data.queuedBytes));
    void listener.socket.join(this.room);
    this.deps.metrics.listenersSlow.inc();
    this.startTimer();
    return true;
  }

  private queue(listener: StreamListener, item: LaneItem, bytes: number, records: number): void {
    const lane = this.lanes.get(listener);
    if (!lane) return;
    const dropped = this.measure(lane, () => lane.push(item, bytes, records));
    if (dropped > 0) this.deps.metrics.recordsDropped.inc({ reason: 'slow_listener' }, dropped);
  }

  /** Runs a change of a lane and keeps the queued-bytes gauge in step with it. */
  private measure<R>(lane: SlowLane<LaneItem>, change: () => R): R {
    const before = lane.bytes;
    const result = change();
    this.deps.metrics.slowLaneBytes.inc(lane.bytes - before);
    return result;
  }

  private startTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.drainQueued) return;
      this.drainQueued = true;
      this.deps.schedule(() => {
        this.drainQueued = false;
        this.drain();
      });
    }, DRAIN_INTERVAL_MS);
    this.timer.unref();
  }

  private stopTimer(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

function emitItem(listener: StreamListener, item: LaneItem): void {
  if (item.event === 'records') listener.socket.emit('records', item.payload);
  else if (item.event === 'target') listener.socket.emit('target', item.payload);
  else if (item.event === 'denied') listener.socket.emit('denied', item.payload);
  else if (item.event === 'hidden') listener.socket.emit('hidden', item.payload);
  else listener.socket.emit('gap', item.payload);
}
