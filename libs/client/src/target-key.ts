// A container's key in a `resume` object and in `cursors()`: `<ns>/<pod>/<container>`.
import type { WireTarget } from '@tailgate/contracts';

export function targetKey(target: Pick<WireTarget, 'ns' | 'pod' | 'container'>): string {
  return `${target.ns}/${target.pod}/${target.container}`;
}
