// Wire records for specs: one line of container `c` of a pod in namespace `n`, its text its cursor.
import type { WireRecord } from '@tailgate/contracts';

export function wireRecord(pod: string, cursor: string): WireRecord {
  return { ts: 't', ns: 'n', pod, container: 'c', stream: 'stdout', line: cursor, cursor };
}
