// The JSON Patch that adds a tap's Output to a Flow's refs or takes it out, as a pure function.
// Each patch first `test`s what it was computed from — the refs array when there is one, else the
// resourceVersion — so it applies only to the Flow as read: a concurrent edit of the refs makes
// it fail (422) and the caller reads again, and neither edit is lost. Testing the array rather
// than the resourceVersion lets edits elsewhere in the Flow (status, match) through without a
// retry. Never a full update of an object someone else owns.
import type { JsonPatchOperation } from '@tailgate/kube';

import type { TapKind } from '../tap-ref';
import type { FlowRefs } from './logging-objects';
import { refsField } from './logging-objects';

/** Operations that put `name` in the refs; undefined when it is there already. */
export function addRefPatch(kind: TapKind, flow: FlowRefs, name: string): JsonPatchOperation[] | undefined {
  const field = refsField(kind);
  if (flow.refs?.includes(name)) return undefined;
  if (flow.refs !== undefined) {
    return [
      { op: 'test', path: `/spec/${field}`, value: flow.refs },
      { op: 'add', path: `/spec/${field}/-`, value: name },
    ];
  }
  // No array to test: the resourceVersion guards against someone adding one meanwhile (`add`
  // on an existing member would replace it).
  const guard: JsonPatchOperation = { op: 'test', path: '/metadata/resourceVersion', value: flow.resourceVersion };
  if (!flow.hasSpec) return [guard, { op: 'add', path: '/spec', value: { [field]: [name] } }];
  return [guard, { op: 'add', path: `/spec/${field}`, value: [name] }];
}

/** Operations that take every occurrence of `name` out of the refs; undefined when there is none. */
export function removeRefPatch(kind: TapKind, flow: FlowRefs, name: string): JsonPatchOperation[] | undefined {
  const field = refsField(kind);
  const refs = flow.refs ?? [];
  const indexes = refs.flatMap((ref, index) => (ref === name ? [index] : []));
  if (indexes.length === 0) return undefined;
  // From the end, so each index still points at the element it was computed for.
  const removals = indexes.reverse().map((index): JsonPatchOperation => ({ op: 'remove', path: `/spec/${field}/${index}` }));
  return [{ op: 'test', path: `/spec/${field}`, value: refs }, ...removals];
}
