// What the user chose to watch, independent of any source: the pickers edit it, the deep link
// carries it, and `selectorFor` maps it onto a source's own selector.

export const WORKLOAD_KINDS = ['deployment', 'statefulset', 'daemonset', 'replicaset', 'job', 'cronjob'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

export interface WorkloadRef {
  readonly kind: WorkloadKind;
  readonly name: string;
}

export interface WatchChoice {
  readonly source: string;
  /** Empty: every namespace the source allows. */
  readonly namespace: string;
  readonly workload?: WorkloadRef;
  readonly pod: string;
  readonly labelSelector: string;
  /** Container names; empty: all. */
  readonly containers: readonly string[];
  /** Recent records per container first; undefined: the source's default. */
  readonly tail?: number;
  /** An RFC 3339 time or a duration (`5m`). */
  readonly since: string;
}

export const EMPTY_CHOICE: WatchChoice = { source: '', namespace: '', pod: '', labelSelector: '', containers: [], since: '' };

export function isWorkloadKind(value: string): value is WorkloadKind {
  return (WORKLOAD_KINDS as readonly string[]).includes(value);
}
