// About how many bytes a batch of records takes on the wire, for the slow lanes' byte caps:
// the lengths of the fields plus their JSON keys and quotes. Cheaper than serialising the batch
// again, which Socket.IO does anyway; escapes are not counted.
import type { WireRecord } from '@tailgate/contracts';

/** `{"ts":"","ns":"","pod":"","container":"","stream":"","line":"","cursor":""},` */
const RECORD_OVERHEAD = 76;
/** `,"node":""` */
const NODE_OVERHEAD = 10;

export function batchBytes(batch: readonly WireRecord[]): number {
  let bytes = 0;
  for (const r of batch) bytes += recordBytes(r);
  return bytes;
}

/** About how many bytes one record takes on the wire. */
export function recordBytes(r: WireRecord): number {
  const node = r.node === undefined ? 0 : NODE_OVERHEAD + r.node.length;
  return (
    RECORD_OVERHEAD +
    r.ts.length +
    r.ns.length +
    r.pod.length +
    r.container.length +
    r.stream.length +
    r.line.length +
    r.cursor.length +
    node
  );
}
