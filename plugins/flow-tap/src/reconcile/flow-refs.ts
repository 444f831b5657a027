// Puts a tap's Output into its Flow's refs or takes it out, by JSON Patch with a `test`, reading
// the Flow again after a conflicting edit (422 failed test, 409) a bounded number of times.
import { UpstreamUnavailableError } from '@tailgate/plugin-sdk';

import type { TapRef } from '../tap-ref';
import { tapKey } from '../tap-ref';
import type { FlowRefs, LoggingObjects } from './logging-objects';
import { kubeStatus } from './logging-objects';
import { addRefPatch, removeRefPatch } from './output-ref-patch';

/** Reads and patches of one Flow before the job gives up (and retries later). */
export const REF_PATCH_ATTEMPTS = 5;

export type RefOutcome = 'changed' | 'unchanged' | 'flow_missing';

/**
 * Makes `output` present in (or absent from) the tap's Flow refs. `read` is a copy of the Flow
 * the caller already has; it is used for the first attempt only.
 */
export async function setOutputRef(
  objects: LoggingObjects,
  tap: TapRef,
  output: string,
  want: 'present' | 'absent',
  read?: FlowRefs,
): Promise<RefOutcome> {
  let flow = read;
  for (let attempt = 1; attempt <= REF_PATCH_ATTEMPTS; attempt++) {
    flow ??= await objects.getFlow(tap);
    if (flow === undefined) return 'flow_missing';
    const operations = want === 'present' ? addRefPatch(tap.kind, flow, output) : removeRefPatch(tap.kind, flow, output);
    if (operations === undefined) return 'unchanged';
    try {
      await objects.patchFlow(tap, operations);
      return 'changed';
    } catch (error) {
      const status = kubeStatus(error);
      if (status === 404) return 'flow_missing';
      if (status !== 409 && status !== 422) throw error;
      flow = undefined;
    }
  }
  throw new UpstreamUnavailableError(`the output refs of ${tapKey(tap)} changed under ${REF_PATCH_ATTEMPTS} patches in a row`);
}
