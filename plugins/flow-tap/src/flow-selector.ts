// What a client sends to subscribe to `flow-tap.flows`: `{ flow: 'flow/<ns>/<name>' }` or
// `{ flow: 'clusterflow/<name>' }`. The parsed selector keeps the client's string (plain JSON, so
// any replica can run the stream for it); tapOf() turns it into the tap it names.
import { InputError } from '@tailgate/plugin-sdk';
import { z } from 'zod';

import { parseTapTarget, type TapRef } from './tap-ref';

export interface FlowSelector {
  readonly flow: string;
}

/** Longest `flow` accepted: `flow/` plus a namespace (63) and an object name (253), with slack. */
const MAX_FLOW_LENGTH = 330;

export const FLOW_FORMAT_MESSAGE =
  "flow must be 'flow/<namespace>/<name>' (a Flow) or 'clusterflow/<name>' (a ClusterFlow), with Kubernetes object names";

export function flowSelectorSchema(controlNamespace: string): z.ZodType<FlowSelector> {
  return z.strictObject({
    flow: z
      .string()
      .max(MAX_FLOW_LENGTH, FLOW_FORMAT_MESSAGE)
      .refine((flow) => parseTapTarget(flow, controlNamespace) !== undefined, FLOW_FORMAT_MESSAGE)
      .describe("The Flow ('flow/<namespace>/<name>') or ClusterFlow ('clusterflow/<name>') to tap."),
  });
}

/** The tap a parsed selector names; InputError for one the schema would have refused. */
export function tapOf(selector: FlowSelector, controlNamespace: string): TapRef {
  const tap = parseTapTarget(selector.flow, controlNamespace);
  if (tap === undefined) throw new InputError(FLOW_FORMAT_MESSAGE);
  return tap;
}
