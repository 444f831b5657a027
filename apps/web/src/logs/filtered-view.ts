// The seqs of the store's entries a filter accepts, kept up to date incrementally: each frame
// filters only what arrived since the last one and forgets what the store discarded. A new filter
// rebuilds it once.
import type { CompiledFilter } from './line-filter';
import type { LineStore } from './line-store';

export class FilteredView {
  private seqs: number[] = [];
  private head = 0;
  private seenSeq = 0;

  constructor(private filter: CompiledFilter) {}

  get length(): number {
    return this.seqs.length - this.head;
  }

  /** The seq of the `index`th visible entry. */
  seqAt(index: number): number | undefined {
    return this.seqs[this.head + index];
  }

  setFilter(filter: CompiledFilter, store: LineStore): void {
    this.filter = filter;
    this.seqs = [];
    this.head = 0;
    this.seenSeq = store.firstSeq - 1;
    this.update(store);
  }

  /** Takes in what the store gained and drops what it lost; returns how many visible entries were added. */
  update(store: LineStore): number {
    const first = store.firstSeq;
    while (this.head < this.seqs.length && (this.seqs[this.head] as number) < first) this.head += 1;
    // Compact now and then, so the array does not grow with everything ever seen.
    if (this.head > 4096 && this.head * 2 > this.seqs.length) {
      this.seqs = this.seqs.slice(this.head);
      this.head = 0;
    }
    let added = 0;
    for (let seq = Math.max(this.seenSeq + 1, first); seq <= store.lastSeq; seq += 1) {
      const entry = store.bySeq(seq);
      if (entry !== undefined && (this.filter.passesAll || this.filter.accepts(entry))) {
        this.seqs.push(seq);
        added += 1;
      }
    }
    this.seenSeq = store.lastSeq;
    return added;
  }
}
