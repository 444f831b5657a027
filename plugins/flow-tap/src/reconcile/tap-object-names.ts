// What the reconcile job calls the objects of a tap, and how it marks them as its own. Names are
// derived from the tap key alone (the Output's) or from it and the credential generation (the
// Secret's), so any run finds them again without reading Secrets, and they stay short and valid
// for any Flow name: a readable prefix of the Flow's name plus a hash of the whole key.
import { createHash } from 'node:crypto';

import type { TapRef } from '../tap-ref';
import { tapKey } from '../tap-ref';

/** On every object the job creates; it lists, changes and deletes only objects with both labels. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'tailgate';
/** Value: tapId(tap). */
export const TAP_LABEL = 'flow-tap.tailgate.dev/tap';
/** Value: the tap key (`flow/<ns>/<name>`), which a label value cannot hold (253-char names). */
export const TAP_KEY_ANNOTATION = 'flow-tap.tailgate.dev/tap-key';
/** Value: the credential generation the Output was created with; its Secret carries it too. */
export const GENERATION_ANNOTATION = 'flow-tap.tailgate.dev/generation';

/** `managed-by=tailgate,<tap label>` (exists): the selector of every list the job makes. */
export const MANAGED_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY},${TAP_LABEL}`;

const READABLE_MAX = 30;
const PREFIX = 'tailgate-tap';

/** 10 hex characters of the SHA-256 of the tap key: a valid label value, unique in practice. */
export function tapId(tap: TapRef): string {
  return sha256Hex(tapKey(tap)).slice(0, 10);
}

/**
 * `tailgate-tap-<flow name, dots as dashes, at most 30 chars>-<tapId>`: at most 54 characters.
 * The kind is in the hash, so a Flow and a ClusterFlow of one name in the control namespace get
 * different names (their Secrets share that namespace).
 */
export function outputName(tap: TapRef): string {
  const readable = tap.name.replaceAll('.', '-').slice(0, READABLE_MAX).replace(/-+$/, '');
  return `${PREFIX}-${readable}-${tapId(tap)}`;
}

/**
 * `<output name>-<8 hex of the generation>`: a new Secret per generation, never overwritten, and
 * found from the Output alone (the job cannot read Secrets).
 */
export function secretName(output: string, generation: string): string {
  return `${output}-${sha256Hex(generation).slice(0, 8)}`;
}

export function tapLabels(tap: TapRef): Record<string, string> {
  return { [MANAGED_BY_LABEL]: MANAGED_BY, [TAP_LABEL]: tapId(tap) };
}

export function tapAnnotations(tap: TapRef, generation: string): Record<string, string> {
  return { [TAP_KEY_ANNOTATION]: tapKey(tap), [GENERATION_ANNOTATION]: generation };
}

function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}
