// What every pipeline the bench drives looks like to a scenario, baseline or Tailgate alike:
// CRI files to append to, an address for the listeners, and how many records each listener
// should receive for what was written.
import type { CriLogWriter } from '@tailgate/cri-logs/testing';

import type { ListenerSpec, Wire } from './fleet-protocol';

/** A pod the bench writes to, with the demo's namespace (which decides who may read it). */
export interface BenchPod {
  readonly namespace: string;
  readonly name: string;
  readonly container: string;
  /** Its labels as the pod metadata has them (the pod-label policy judges by them); the demo's pods carry theirs. */
  readonly labels?: Readonly<Record<string, string>>;
}

/** The suite's redis-server: its address, and its PID for CPU figures. */
export interface RedisHandle {
  readonly url: string;
  readonly pid: number;
}

export interface PipelineUnderTest {
  readonly label: string;
  readonly url: string;
  readonly wire: Wire;
  readonly namespace: string;
  /** One writer per pod, in the order of the scenario's pods. */
  readonly writers: readonly CriLogWriter[];
  /** Other processes this pipeline runs on, by role (e.g. redis, gateway). */
  readonly processes: Readonly<Record<string, number>>;
  /** The roles in `processes` that serve the listeners; default `runner`: the server runs in the runner's process. */
  readonly servers?: readonly string[];
  /** What listener `index` (of `count`) sends to connect and subscribe. */
  listener(index: number): ListenerSpec;
  /** May listener `index` see records of this pod? */
  sees(index: number, pod: BenchPod): boolean;
  /** Tailgate only: a counter or gauge of the gateway, summed over the series with `label` (name, value). */
  metric?(name: string, label?: readonly [string, string]): Promise<number>;
  close(): Promise<void>;
}

/** The demo users the listeners cycle through: two on team-a, one on team-b (demo-world.ts). */
export const BENCH_USERS = ['alice', 'carol', 'bob'] as const;

export function userOf(index: number): (typeof BENCH_USERS)[number] {
  return BENCH_USERS[index % BENCH_USERS.length] as (typeof BENCH_USERS)[number];
}
