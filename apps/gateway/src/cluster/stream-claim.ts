// The supervisor's question per stream key — may this replica run the upstream now? — answered
// by a claim: locally (always, until the grace period after the last listener) or with a Redis
// lease shared by every replica (leased-stream.ts).
import type { UpstreamEndReason } from '../model/bus-message';
import type { StreamDescriptor } from '../model/stream-descriptor';

/** What a claim hands the upstream it allows to run. */
export interface UpstreamGrant {
  /** Fencing token carried by every message published; undefined without Redis. */
  readonly fence?: number;
  /** Per target key, the last cursor the previous holder published: resume after these. Empty: start from now. */
  readonly resumeAfter: ReadonlyMap<string, string>;
  /** False once this replica may no longer be the holder: publish nothing more. */
  isValid(): boolean;
  /** Hears the last cursor per target of every published batch; unset when nobody needs them. */
  readonly published?: (cursors: ReadonlyMap<string, string>) => void;
  /**
   * Takes the upstream's way to announce its targets again, for replicas whose listeners came
   * after the announcements (they would otherwise learn a target only from its next record).
   */
  readonly onAnnounceRequest?: (announce: () => void) => void;
}

/** Runs the upstream until it ends or `signal` aborts; `shutdown` means it was stopped, not ended. */
export type UpstreamRunner = (grant: UpstreamGrant, signal: AbortSignal) => Promise<UpstreamEndReason>;

export interface StreamClaim {
  /** This replica's listeners on the stream appeared (true) or all left (false). */
  want(wanted: boolean): void;
  /**
   * Resolves once the stream is live for this replica's listeners: its upstream has opened here
   * (positioned at the end of its files), or another replica runs it, or this replica's attempt
   * to claim it failed (it tries again on its next beat). A subscription is acknowledged only then,
   * so nothing written after the acknowledgement falls before the upstream's start.
   */
  live(): Promise<void>;
  /** Stops the upstream and hands the stream over to the other replicas; resolves when done. */
  shutdown(): Promise<void>;
}

export interface StreamClaims {
  /**
   * A claim on one stream. It runs `run` while it may, and calls `onClosed` (never synchronously)
   * once it has nothing left to do on this replica.
   */
  claim(stream: StreamDescriptor, run: UpstreamRunner, onClosed: () => void): StreamClaim;
  close(): Promise<void>;
}

/** The grant of a replica that needs no lease. */
export const LOCAL_GRANT: UpstreamGrant = { resumeAfter: new Map(), isValid: () => true };
