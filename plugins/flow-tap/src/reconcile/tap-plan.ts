// Desired against actual, as a pure function: which taps are wanted (from the demand set), and
// for each tap Output that exists or should, what the job does. An Output is kept only when it
// is exactly what this configuration would create and the stored credential is the one its
// Secret was made with; anything else is replaced (a new generation, so a new password), which
// is also how a crash between creating an Output and storing its credential heals.
import { isDeepStrictEqual } from 'node:util';

import type { TapRef } from '../tap-ref';
import { parseTapKey, tapKey } from '../tap-ref';
import type { ManagedOutput } from './logging-objects';
import { outputName, secretName } from './tap-object-names';
import { tapOutputSpec } from './tap-output-spec';

export type TapAction =
  | { readonly type: 'create'; readonly tap: TapRef }
  | { readonly type: 'replace'; readonly tap: TapRef; readonly output: ManagedOutput; readonly reason: 'credential' | 'spec' }
  | { readonly type: 'keep'; readonly tap: TapRef; readonly output: ManagedOutput }
  /** `tap` is undefined when the Output's tap-key annotation is gone or unreadable. */
  | { readonly type: 'remove'; readonly tap: TapRef | undefined; readonly output: ManagedOutput };

export interface WantedTaps {
  readonly taps: readonly TapRef[];
  /** Members that name no tap this installation can serve (logged, never acted on). */
  readonly ignored: readonly string[];
}

/** The demand set's members as taps; a ClusterFlow outside the control namespace is ignored. */
export function wantedTaps(members: readonly string[], controlNamespace: string): WantedTaps {
  const taps = new Map<string, TapRef>();
  const ignored: string[] = [];
  for (const member of members) {
    const tap = parseTapKey(member);
    if (tap === undefined || (tap.kind === 'clusterflow' && tap.namespace !== controlNamespace)) ignored.push(member);
    else taps.set(tapKey(tap), tap);
  }
  return { taps: [...taps.values()], ignored };
}

export interface PlanInput {
  readonly wanted: readonly TapRef[];
  readonly existing: readonly ManagedOutput[];
  /** Tap key → generation of its stored credential, for the taps that have one. */
  readonly storedGenerations: ReadonlyMap<string, string>;
  readonly ingestUrl: string;
}

/** One action per wanted tap, then one `remove` per managed Output no wanted tap owns. */
export function planTaps(input: PlanInput): TapAction[] {
  const owned = new Set<ManagedOutput>();
  const actions: TapAction[] = input.wanted.map((tap) => {
    const output = input.existing.find((candidate) => isOutputOf(candidate, tap));
    if (output === undefined) return { type: 'create', tap };
    owned.add(output);
    const generation = output.generation;
    if (generation === undefined || input.storedGenerations.get(tapKey(tap)) !== generation) {
      return { type: 'replace', tap, output, reason: 'credential' };
    }
    const desired = tapOutputSpec(input.ingestUrl, tap, secretName(output.name, generation));
    return isDeepStrictEqual(output.spec, desired) ? { type: 'keep', tap, output } : { type: 'replace', tap, output, reason: 'spec' };
  });
  for (const output of input.existing) {
    if (!owned.has(output)) actions.push({ type: 'remove', tap: tapOfOutput(output), output });
  }
  return actions;
}

/** The tap an Output was made for, from its annotation, if it is where that tap's Output would be. */
export function tapOfOutput(output: ManagedOutput): TapRef | undefined {
  const tap = output.tapKey === undefined ? undefined : parseTapKey(output.tapKey);
  return tap !== undefined && isOutputOf(output, tap) ? tap : undefined;
}

function isOutputOf(output: ManagedOutput, tap: TapRef): boolean {
  return output.kind === tap.kind && output.namespace === tap.namespace && output.name === outputName(tap) && output.tapKey === tapKey(tap);
}
