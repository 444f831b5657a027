// A subscribe request's `resume`, as the source's `after`: one cursor per listed target, and for
// targets not listed (they appeared while the client was away) the smallest listed cursor.
import type { Resume } from '@tailgate/contracts';
import type { ResumePoint } from '@tailgate/plugin-sdk';

export function toResumePoint(resume: Resume): ResumePoint {
  if (typeof resume === 'string') return { byTarget: new Map(), otherwise: resume };
  const byTarget = new Map(Object.entries(resume));
  let smallest: string | undefined;
  for (const cursor of byTarget.values()) if (smallest === undefined || cursor < smallest) smallest = cursor;
  return smallest === undefined ? { byTarget } : { byTarget, otherwise: smallest };
}

/** The cursor a target continues after; undefined when the client saw nothing of it. */
export function resumeCursorOf(point: ResumePoint, targetKey: string): string | undefined {
  return point.byTarget.get(targetKey) ?? point.otherwise;
}
