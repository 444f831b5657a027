// One container's log directory (`<root>/<namespace>_<pod>_<uid>/<container>/`) and how it is read.
import type { TargetRef } from '@tailgate/plugin-sdk';

export interface ContainerLogDir {
  readonly target: TargetRef;
  readonly path: string;
}

export interface TailerOptions {
  /** Bytes read from a file at once, into one buffer reused for every read. */
  readonly readChunkBytes: number;
  /** Longest line kept; longer ones are capped with TRUNCATED_LINE_MARKER. */
  readonly maxLineBytes: number;
}
