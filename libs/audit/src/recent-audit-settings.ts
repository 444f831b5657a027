// `audit.query`: who may read recent audit events at GET /audit/events, and how many are kept.
import { z } from 'zod';

export const RECENT_AUDIT_DEFAULTS = { maxEvents: 10_000, maxAgeMs: 86_400_000 } as const;

export const AuditQuerySettingsSchema = z
  .strictObject({
    groups: z
      .array(z.string().min(1))
      .default([])
      .describe(
        'Groups whose members may read recent audit events at `GET /audit/events` (bearer token, the configured authenticators); empty: the endpoint is off (404).',
      ),
    maxEvents: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .default(RECENT_AUDIT_DEFAULTS.maxEvents)
      .describe('Recent events kept for queries: in memory, or with Redis in one capped Stream shared by every replica.'),
    maxAgeMs: z
      .number()
      .int()
      .min(1_000)
      .max(30 * 86_400_000)
      .default(RECENT_AUDIT_DEFAULTS.maxAgeMs)
      .describe('Events older than this are not answered (the sinks keep the full trail).'),
  })
  .prefault({});

export type AuditQuerySettings = z.output<typeof AuditQuerySettingsSchema>;
