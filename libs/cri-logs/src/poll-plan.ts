// Which followed containers a step of AgentTail reads, and where it also looks for a new file (a
// rotation's or a restart's `<n+1>.log`, which costs a stat that fails while there is none). After
// a wait (woken or timed out) only the directories that changed and those with more to read are
// read; a watched directory with no event is read again after WATCHED_READ_INTERVALS poll
// intervals, the safety net for a write event the kernel dropped (an idle agent reading every
// file every second made enough garbage to keep V8's young generation at its largest). A new file
// is looked for only where a name changed (inotify reports creations and renames), where nothing
// is watched, or where no look was taken for NAME_CHECK_INTERVALS poll intervals. Unwatched
// directories are read and looked at every poll interval. A step that did not follow a wait reads
// everything and looks everywhere.
import type { DirectoryChange } from './change-wakeup';

/** What the step follows: no wait (`direct`), a wait an inotify event ended, or one that timed out. */
export type StepCause = 'direct' | 'woken' | 'timed-out';

export interface FollowedState {
  /** The last read reached the end of the file. */
  readonly idle: boolean;
  /** When it was last read, and last looked for a new file (ms, the tail's clock). */
  readonly polledAt: number;
  readonly namesCheckedAt: number;
}

export type PollPlan = 'skip' | 'read' | 'read-and-look';

/** A missed rotation or restart is noticed within this many poll intervals even if its event was lost. */
export const NAME_CHECK_INTERVALS = 10;

/** A watched, idle file with no event is still read this many poll intervals apart: the safety net for a lost IN_MODIFY. */
export const WATCHED_READ_INTERVALS = 10;

export function planPoll(cause: StepCause, change: DirectoryChange, state: FollowedState, now: number, pollIntervalMs: number): PollPlan {
  if (cause === 'direct' || change === 'renamed' || change === 'unwatched') return 'read-and-look';
  if (now - state.namesCheckedAt >= NAME_CHECK_INTERVALS * pollIntervalMs) return 'read-and-look';
  if (change === 'written' || !state.idle) return 'read';
  // change is 'none': the directory is watched and nothing happened in it.
  return now - state.polledAt >= WATCHED_READ_INTERVALS * pollIntervalMs ? 'read' : 'skip';
}
