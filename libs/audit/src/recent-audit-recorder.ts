// Feeds the recent-events store from record(): whatever the policy records for the sinks is
// what a query can answer, and nothing else.
import type { AuditEventDraft } from './audit-event-draft';
import { type AuditRecorder, NO_AUDIT } from './audit-trail';
import type { RecentAuditEvents } from './recent-audit-events';

/** The recorder, also keeping each recorded event in `recent`; NO_AUDIT stays NO_AUDIT (nothing is recorded). */
export function withRecentAuditEvents(recorder: AuditRecorder, recent: RecentAuditEvents | undefined): AuditRecorder {
  if (recent === undefined || recorder === NO_AUDIT) return recorder;
  return {
    record(draft: AuditEventDraft) {
      const event = recorder.record(draft);
      if (event !== undefined) recent.add([event]);
      return event;
    },
    async close() {
      try {
        await recorder.close();
      } finally {
        await recent.close();
      }
    },
  };
}
