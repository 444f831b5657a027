// The state, events and actions of one stream's lease on this replica (lease-step moves it): the
// lease's phase is one field, and everything the shell must do is an action, as data.
import type { UpstreamEndReason } from '../model/bus-message';
import type { LeaseTick, StreamLease } from './lease-tick';
import type { ReleaseOutcome } from './redis-stream-leases';

export interface LeaseTiming {
  readonly leaseTtlMs: number;
  /** How long the holder keeps the upstream after no replica has demand. */
  readonly idleGraceMs: number;
}

/** The lease while this replica holds it. */
export interface HeldLease {
  readonly lease: StreamLease;
  /** Surely ours until then: the send time of its last confirmed renewal plus the TTL. */
  readonly validUntil: number;
  /** Its upstream runs: false before it started, and once it stopped by itself. */
  readonly running: boolean;
  /** Since when no replica has had demand; undefined while some has. */
  readonly idleSince: number | undefined;
}

/** Why a held lease is given back: no demand anywhere, an upstream that stopped, a stream that ended. */
export type LeaseRelease = 'idle' | 'hand-back' | 'end';

/** Where the lease stands. `idle`, `holding` and `closed` wait for an event; the others wait for their I/O. */
export type LeasePhase =
  /** No lease here: another replica may hold it, or no replica wants the stream. */
  | { readonly phase: 'idle' }
  /** TICK without a lease: demand recorded or withdrawn, the lease tried for when wanted. */
  | { readonly phase: 'acquiring'; readonly sentAt: number }
  /** Another replica holds the stream: asking it to announce its targets again. */
  | { readonly phase: 'asking' }
  /** Just acquired: hearing announce requests before the upstream starts. */
  | { readonly phase: 'starting'; readonly held: HeldLease; readonly demand: number; readonly resumeAfter: ReadonlyMap<string, string> }
  | { readonly phase: 'holding'; readonly held: HeldLease }
  /** TICK with the lease: renewing it and learning the demand. */
  | { readonly phase: 'renewing'; readonly held: HeldLease; readonly sentAt: number }
  | { readonly phase: 'releasing'; readonly held: HeldLease; readonly release: LeaseRelease }
  /** Shutdown: the upstream stops, the lease goes back, the demand is withdrawn; `closed` if that was said already. */
  | { readonly phase: 'handing-over'; readonly held: HeldLease | undefined; readonly closed: boolean }
  /** Nothing left to do here, until a shutdown. */
  | { readonly phase: 'closed' }
  | { readonly phase: 'stopped' };

export interface LeaseFacts {
  readonly timing: LeaseTiming;
  /** This replica has listeners on the stream. */
  readonly wanted: boolean;
  /** Listeners came while another replica holds the stream: ask it to announce its targets again. */
  readonly askForTargets: boolean;
  /** The upstream ended by itself (complete, failed): the stream ends here for every replica. */
  readonly ended: boolean;
  /** Due once the I/O in flight is done: another step, or the hand-over of a shutdown. */
  readonly next: 'none' | 'step' | 'stop';
  /** An error was reported since the last answer from Redis: errors repeat on every beat of an outage. */
  readonly failing: boolean;
}

export type LeaseState = LeasePhase & LeaseFacts;

export type LeaseEvent =
  /** The lease beat (a third of the TTL) or the idle check came. */
  | { readonly type: 'beat'; readonly now: number }
  | { readonly type: 'want'; readonly wanted: boolean; readonly now: number }
  | { readonly type: 'upstream-ended'; readonly lease: StreamLease; readonly reason: UpstreamEndReason; readonly now: number }
  | { readonly type: 'ticked'; readonly tick: LeaseTick; readonly now: number }
  | { readonly type: 'released'; readonly outcome: ReleaseOutcome; readonly now: number }
  | { readonly type: 'hearing'; readonly now: number }
  | { readonly type: 'asked'; readonly now: number }
  /** The I/O in flight failed. */
  | { readonly type: 'failed'; readonly error: unknown; readonly now: number }
  /** An I/O the shell runs on its own failed (recording cursors, unsubscribing). */
  | { readonly type: 'background-failed'; readonly operation: string; readonly error: unknown }
  | { readonly type: 'stop' }
  | { readonly type: 'handed-over'; readonly error: unknown };

/** What the metrics and the log hear of: a lease taken (from another replica), lost, handed back, let go. */
export type LeaseNote = 'acquired' | 'took-over' | 'lost' | 'handed-back' | 'dropped';

export type LeaseAction =
  /** Records or withdraws demand, renews `held` or tries for the lease; answers `ticked`. */
  | { readonly do: 'tick'; readonly wants: boolean; readonly held: StreamLease | undefined }
  /** Gives the lease back if still ours; answers `released`. */
  | { readonly do: 'release'; readonly lease: StreamLease; readonly forget: boolean; readonly ifIdle: boolean }
  /** Subscribes to announce requests, before the upstream starts so none is lost; answers `hearing`. */
  | { readonly do: 'hear-requests' }
  | { readonly do: 'stop-hearing' }
  /** Asks the holder on another replica to announce its targets again; answers `asked`. */
  | { readonly do: 'ask-for-targets' }
  /** This replica's fan-out may be new: the running upstream announces its targets again. */
  | { readonly do: 'announce' }
  | { readonly do: 'start-upstream'; readonly lease: StreamLease; readonly resumeAfter: ReadonlyMap<string, string> }
  | { readonly do: 'stop-upstream' }
  /** A `beat` in `inMs`, replacing any pending. */
  | { readonly do: 'check-idle'; readonly inMs: number }
  | { readonly do: 'cancel-idle-check' }
  | { readonly do: 'note'; readonly what: LeaseNote }
  | { readonly do: 'report'; readonly operation: string; readonly error: unknown }
  /** Shutdown: stops the upstream and waits for it, gives `lease` back keeping the resume point, withdraws demand; answers `handed-over`. */
  | { readonly do: 'hand-over'; readonly lease: StreamLease | undefined; readonly withdraw: boolean }
  /** Nothing is left to do here: the beat stops and the supervisor forgets the claim. */
  | { readonly do: 'close' };

export interface LeaseStep {
  readonly state: LeaseState;
  readonly actions: readonly LeaseAction[];
}

export function initialLeaseState(timing: LeaseTiming): LeaseState {
  return { phase: 'idle', timing, wanted: false, askForTargets: false, ended: false, next: 'none', failing: false };
}

/** The lease this replica holds (or still gives back), if any. */
export function heldLease(state: LeaseState): HeldLease | undefined {
  return 'held' in state ? state.held : undefined;
}

/** Whether the upstream of `lease` may still publish: the lease is ours and surely unexpired. */
export function leaseValid(state: LeaseState, lease: StreamLease, now: number): boolean {
  const held = heldLease(state);
  return held?.lease === lease && now < held.validUntil;
}
