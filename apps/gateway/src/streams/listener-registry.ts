// The listeners of one stream, by socket id and by phase: delivery looks at the onboarding and
// catching-up ones once per batch without scanning everyone. A phase changes only through
// `move`, which asks the pure transition function (listener-phase.ts) first.
import { nextPhase, type ListenerPhase, type PhaseEvent, type PhaseKind } from './listener-phase';
import type { StreamListener } from './stream-listener';

type IndexedPhase = Exclude<PhaseKind, 'ended'>;

export class ListenerRegistry {
  private readonly byId = new Map<string, StreamListener>();
  private readonly byPhase: Record<IndexedPhase, Set<StreamListener>> = {
    onboarding: new Set(),
    'catching-up': new Set(),
    live: new Set(),
  };

  get size(): number {
    return this.byId.size;
  }

  get(socketId: string): StreamListener | undefined {
    return this.byId.get(socketId);
  }

  has(socketId: string): boolean {
    return this.byId.has(socketId);
  }

  /** Whether this very listener is still here (not a later one of the same socket). */
  holds(listener: StreamListener): boolean {
    return this.byId.get(listener.id) === listener;
  }

  values(): IterableIterator<StreamListener> {
    return this.byId.values();
  }

  inPhase(kind: IndexedPhase): ReadonlySet<StreamListener> {
    return this.byPhase[kind];
  }

  /** A new listener, onboarding. */
  add(listener: StreamListener): void {
    this.byId.set(listener.id, listener);
    this.indexOf(listener.phase.kind)?.add(listener);
  }

  /**
   * Applies an event; `enter` gives the new phase's data (called only when the event applies).
   * Returns the new phase, or undefined when nothing changed.
   */
  move(listener: StreamListener, event: PhaseEvent, enter: (kind: PhaseKind) => ListenerPhase): ListenerPhase | undefined {
    const next = nextPhase(listener.phase.kind, event);
    if (next === undefined) return undefined;
    const phase = enter(next);
    if (phase.kind !== next) throw new Error(`entered ${phase.kind} where the transition leads to ${next}`);
    this.indexOf(listener.phase.kind)?.delete(listener);
    listener.phase = phase;
    this.indexOf(next)?.add(listener);
    if (next === 'ended') this.byId.delete(listener.id);
    return phase;
  }

  private indexOf(kind: PhaseKind): Set<StreamListener> | undefined {
    return kind === 'ended' ? undefined : this.byPhase[kind];
  }
}
