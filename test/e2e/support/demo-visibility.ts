// What each demo user may see, stated from the demo world's policy independently of the gateway
// (namespace allow-list by team group, then log-socket's pod labels), with the lines written to the
// pods they may not read as secrets the leak oracle looks for in everything they receive.
import type { WireTarget } from '@tailgate/contracts';

import { DEMO_USERS, type DemoPod } from '../../../apps/gateway/src/demo/demo-world';
import { seesTargets, type Visibility } from '../../support/leak-oracle';

/** Lines written per pod (`<ns>/<pod>`), as the test's writers recorded them. */
export type WrittenLines = ReadonlyMap<string, readonly string[]>;

export function demoMayRead(user: string, pod: DemoPod): boolean {
  const groups = DEMO_USERS.find((u) => u.name === user)?.groups ?? [];
  if (!groups.includes(pod.namespace)) return false;
  const own = pod.labels[`rbac/${user}`];
  if (own === 'allow' || own === 'deny') return own === 'allow';
  return pod.labels['rbac/policy'] === 'allow';
}

/** `pods()` is read at each check, so relabelling in a test is followed. */
export function demoVisibility(user: string, pods: () => readonly DemoPod[], written: WrittenLines = new Map()): Visibility {
  const mayRead = (target: WireTarget): boolean => {
    const pod = pods().find((p) => p.namespace === target.ns && p.name === target.pod);
    return pod !== undefined && demoMayRead(user, pod);
  };
  return seesTargets(mayRead, () => {
    const visible = new Set<string>();
    const hidden = new Set<string>();
    for (const pod of pods()) {
      const lines = written.get(`${pod.namespace}/${pod.name}`) ?? [];
      for (const line of lines) (demoMayRead(user, pod) ? visible : hidden).add(line);
    }
    return [...hidden].filter((line) => !visible.has(line));
  });
}
