// What a source's own check (LogSource.admit) is about, as the audit trail names it. Only
// flow-tap has such a check today: it asks for `get` on the Flow or ClusterFlow it taps, so its
// admissions are recorded on that object (its stream key names it). Other sources' checks, if
// any appear, are recorded once this says what they concern.
import type { AuditTarget } from '@tailgate/audit';
import { FLOW_TAP_PLUGIN_ID, parseTapKey } from '@tailgate/plugin-flow-tap';
import type { RegisteredSource } from '@tailgate/plugin-host';

export function admissionAuditTarget(registered: RegisteredSource, selector: unknown): AuditTarget | undefined {
  if (registered.pluginId !== FLOW_TAP_PLUGIN_ID || registered.source.admit === undefined) return undefined;
  const tap = parseTapKey(registered.source.streamKey(selector));
  if (tap === undefined) return undefined;
  return tap.kind === 'flow' ? { kind: 'flow', namespace: tap.namespace, name: tap.name } : { kind: 'clusterflow', name: tap.name };
}
