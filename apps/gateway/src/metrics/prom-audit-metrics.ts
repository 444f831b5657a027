// The audit trail's delivery counts (libs/audit's AuditMetrics) on the gateway's /metrics: every
// event is delivered, failed (given up by its sink) or dropped, per sink, and the backlog shows
// a sink that cannot keep up before anything is dropped.
import type { AuditDropReason, AuditMetrics } from '@tailgate/audit';
import { Counter, Gauge, type Registry } from 'prom-client';

export class PromAuditMetrics implements AuditMetrics {
  private readonly backlogGauge: Gauge<'sink'>;
  private readonly deliveredCounter: Counter<'sink'>;
  private readonly failedCounter: Counter<'sink'>;
  private readonly retriedCounter: Counter<'sink'>;
  private readonly droppedCounter: Counter<'sink' | 'reason'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.backlogGauge = new Gauge({
      name: 'tailgate_audit_backlog_events',
      help: 'Audit events waiting for a sink (queued and in flight), by sink.',
      labelNames: ['sink'],
      registers,
    });
    this.deliveredCounter = new Counter({
      name: 'tailgate_audit_events_delivered_total',
      help: 'Audit events a sink accepted, by sink.',
      labelNames: ['sink'],
      registers,
    });
    this.failedCounter = new Counter({
      name: 'tailgate_audit_events_failed_total',
      help: 'Audit events a sink gave up on after its retries, by sink.',
      labelNames: ['sink'],
      registers,
    });
    this.retriedCounter = new Counter({
      name: 'tailgate_audit_retries_total',
      help: 'Retries of a batch of audit events (webhook), by sink.',
      labelNames: ['sink'],
      registers,
    });
    this.droppedCounter = new Counter({
      name: 'tailgate_audit_events_dropped_total',
      help: 'Audit events that never reached a sink, by sink and reason: backlog_full (audit.queue.maxBacklog), closed (after shutdown).',
      labelNames: ['sink', 'reason'],
      registers,
    });
  }

  backlog(sink: string, events: number): void {
    this.backlogGauge.set({ sink }, events);
  }

  delivered(sink: string, events: number): void {
    this.deliveredCounter.inc({ sink }, events);
  }

  failed(sink: string, events: number): void {
    this.failedCounter.inc({ sink }, events);
  }

  retried(sink: string): void {
    this.retriedCounter.inc({ sink });
  }

  dropped(sink: string, events: number, reason: AuditDropReason): void {
    this.droppedCounter.inc({ sink, reason }, events);
  }
}
