// The stream's state and counters: lines received, hidden and denied containers, dropped lines,
// gaps, lines discarded to keep the bound, and, when not following, the new lines below.
import type { StreamSnapshot } from '../state/live-stream';

const PHASE_TEXT: Readonly<Record<StreamSnapshot['phase'], string>> = {
  idle: 'Not watching',
  starting: 'Subscribing…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  ended: 'Ended',
  failed: 'Could not subscribe',
};

const n = (count: number) => count.toLocaleString();

/** Counters shown, as a warning, only once they are above zero; each named as its counter. */
const WARNINGS = ['hidden', 'denied', 'dropped', 'gaps'] as const satisfies readonly (keyof StreamSnapshot['counters'])[];

export function StreamStatus({ snapshot, following, onJump }: { snapshot: StreamSnapshot; following: boolean; onJump: () => void }) {
  const { counters, phase, error } = snapshot;
  return (
    <div className="status" role="status" aria-label="Stream status" data-testid="stream-status" data-phase={phase}>
      <span className={`phase phase-${phase}`} data-testid="stream-phase">
        {PHASE_TEXT[phase]}
        {error !== undefined && `: ${error}`}
      </span>
      <span data-testid="count-lines" data-count={counters.lines}>
        {n(counters.lines)} lines
      </span>
      {WARNINGS.map((key) =>
        counters[key] > 0 ? (
          <span key={key} className="warn" data-testid={`count-${key}`} data-count={counters[key]}>
            {n(counters[key])} {key}
          </span>
        ) : null,
      )}
      {counters.discarded > 0 && (
        <span data-testid="count-discarded" data-count={counters.discarded}>
          {n(counters.discarded)} older lines discarded (keeping the newest)
        </span>
      )}
      {!following && (
        <button type="button" className="new-lines" onClick={onJump} data-testid="new-lines" data-count={counters.unseen}>
          {n(counters.unseen)} new lines — jump to newest (End)
        </button>
      )}
    </div>
  );
}
