// Identity of a shared stream: which source, which selector, and the names derived from them.
import { createHash } from 'node:crypto';

import type { RegisteredSource } from '@tailgate/plugin-host';

export interface StreamDescriptor {
  /** Public id of the stream; subscription ids are this id. */
  readonly id: string;
  /** `<sourceId>|<source's streamKey>`; unique per upstream. */
  readonly key: string;
  readonly source: RegisteredSource;
  readonly selector: unknown;
}

export function describeStream(source: RegisteredSource, selector: unknown): StreamDescriptor {
  const key = `${source.id}|${source.source.streamKey(selector)}`;
  const id = `s_${createHash('sha256').update(key).digest('base64url').slice(0, 20)}`;
  return { id, key, source, selector };
}
