// The cursors one target's live records go out with. An observation's own cursor (event-object.ts)
// orders by when it was last seen, but the apiserver can deliver one late: client-go's events
// library writes a series' new count up to 30 minutes after it was seen, and reporters' clocks
// differ. A late one still goes out at once, with a cursor right after the target's last one
// (`<last>~<n>`), so every target's cursors rise in the order its records are sent.
const LATE_WIDTH = 10;

export class TargetCursors {
  /** The greatest own cursor sent, and how many late records followed it. */
  private last = '';
  private late = 0;

  /** The cursor the next record goes out with. */
  next(own: string): string {
    if (own > this.last) {
      this.last = own;
      this.late = 0;
      return own;
    }
    this.late++;
    return `${this.last}~${String(this.late).padStart(LATE_WIDTH, '0')}`;
  }
}
