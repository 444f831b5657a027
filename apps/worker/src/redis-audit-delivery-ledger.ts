// The ledger that keeps each gateway run's audit batches in order across workers: one key per run,
// `<keyPrefix>audit:delivery:<run>`, holding the seq of the next batch due. Only the batch whose
// seq it names runs (the others are deferred), so one plain SET per settled batch is enough. The
// key expires `ttlSeconds` after the run's last settled batch: a finished run leaves nothing behind.
import type { AuditDeliveryLedger } from '@tailgate/audit';
import type { Cluster, Redis } from 'ioredis';

/** 30 days: longer than any webhook outage the job's attempts can ride out. */
export const AUDIT_LEDGER_TTL_SECONDS = 30 * 24 * 3600;

export class RedisAuditDeliveryLedger implements AuditDeliveryLedger {
  constructor(
    private readonly redis: Redis | Cluster,
    private readonly keyPrefix: string,
    private readonly ttlSeconds = AUDIT_LEDGER_TTL_SECONDS,
  ) {}

  async nextBatch(run: string): Promise<number> {
    const value = await this.redis.get(this.keyOf(run));
    return value === null ? 0 : Number.parseInt(value, 10);
  }

  async settle(run: string, seq: number): Promise<void> {
    await this.redis.set(this.keyOf(run), String(seq + 1), 'EX', this.ttlSeconds);
  }

  private keyOf(run: string): string {
    return `${this.keyPrefix}audit:delivery:${run}`;
  }
}
