// Typed references to services the host provides, so plugins depend on an interface and
// never on the host itself.

export interface ServiceRef<T> {
  /** `<owner>.<name>`, e.g. `core.pod-metadata`. */
  readonly id: string;
  readonly $$type: '@tailgate/ServiceRef';
  /** Carries the type only; always undefined at run time. */
  readonly T?: T;
}

export function createServiceRef<T>(id: string): ServiceRef<T> {
  return Object.freeze({ id, $$type: '@tailgate/ServiceRef' as const });
}
