// Where one fan-out stands on its stream's bus channel, so an interrupted bus costs listeners
// nothing or is told: the id of the last message handled (a replay continues after it), the
// fencing token of the holder publishing (a higher one means a takeover), and, while this
// replica's bus is down, the messages that already came in on the channel, held back until what
// was published before them has been replayed.
import { compareMessageIds, type MessageId } from '@tailgate/bus';

import { fenceAdmission, fenceStanding } from '../model/fencing-token';
import { type BusFrame, busMessageFence } from '../model/bus-message';

/** How a message reached the fan-out. */
export type Arrival = 'live' | 'replayed' | 'held';

/** What to do with a message: drop it (seen, or a deposed holder's), deliver it, or deliver it after filling a takeover's gap. */
export type Admission = 'skip' | 'deliver' | 'takeover';

/** Most messages held back during one outage; beyond it the oldest go and the outage counts as a gap. */
const MAX_HELD = 10_000;
/** How long after an outage live messages may repeat replayed ones (and are dropped when they do). */
const REPEAT_WINDOW_MS = 30_000;

export interface HeldMessage {
  readonly raw: BusFrame;
  readonly id: MessageId | undefined;
}

export class ChannelPosition {
  private lastId: MessageId | undefined;
  private fence: number | undefined;
  private held: HeldMessage[] | undefined;
  private overflowed = false;
  private repeatsUntil = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** The id a replay continues after; undefined when no message with an id was handled yet. */
  get after(): MessageId | undefined {
    return this.lastId;
  }

  /** The bus connection dropped: messages that still arrive are held until `resume`. */
  down(): void {
    this.held ??= [];
  }

  /** Holds a message that arrived while the bus was down; false when it may be handled now. */
  hold(raw: BusFrame, id: MessageId | undefined): boolean {
    if (this.held === undefined) return false;
    if (this.held.length >= MAX_HELD) {
      this.held.shift();
      this.overflowed = true;
    }
    this.held.push({ raw, id });
    return true;
  }

  /** The bus is back: what was held, in arrival order, and whether some of it had to be let go. */
  resume(): { held: readonly HeldMessage[]; overflowed: boolean } {
    const result = { held: this.held ?? [], overflowed: this.overflowed };
    this.held = undefined;
    this.overflowed = false;
    this.repeatsUntil = this.now() + REPEAT_WINDOW_MS;
    return result;
  }

  admit(raw: BusFrame, id: MessageId | undefined, arrival: Arrival): Admission {
    if (id !== undefined) {
      if (this.lastId !== undefined && compareMessageIds(id, this.lastId) <= 0) {
        // A repeat of what a replay brought — or, long after any outage, a channel whose ids
        // started again (Redis lost its data on a node with an earlier clock): then it is new.
        if (arrival !== 'live' || this.now() < this.repeatsUntil) return 'skip';
      }
      this.lastId = id;
    }
    const fence = busMessageFence(raw);
    const admission = fenceAdmission(fenceStanding(fence, this.fence), arrival === 'replayed');
    if (admission !== 'skip' && fence !== undefined) this.fence = fence;
    return admission;
  }
}
