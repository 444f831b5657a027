// Building blocks for `LogSource.backlog()` pages: records already in memory as pages, and a merge
// of per-target page streams into one stream, oldest first, that holds one page per target.
import type { LogRecord } from './records';
import { toEpochNanos } from './time-cursor';

/** Most records in one page a helper here yields. */
export const BACKLOG_PAGE_RECORDS = 500;

/** Records already held (a bounded tail, a replay buffer), in whatever shape they are held, as backlog pages. */
export async function* pagesOf<R = LogRecord>(records: readonly R[], pageRecords = BACKLOG_PAGE_RECORDS): AsyncGenerator<readonly R[]> {
  for (let i = 0; i < records.length; i += pageRecords) yield records.slice(i, i + pageRecords);
}

/**
 * Merges per-target page streams (each in its own order) into pages oldest first by `ts`. A
 * timestamp that goes backwards, or does not parse, keeps its record after the previous one of
 * its input, so no input ever reorders; ties keep the inputs' order. Every input is opened at once
 * (the merge needs each one's oldest record) and read a page at a time, when the merge reaches its
 * end. Stopping the merge early (`return()`) or a failed input closes every input.
 */
export async function* mergeOldestFirst(
  inputs: readonly AsyncIterable<readonly LogRecord[]>[],
  pageRecords = BACKLOG_PAGE_RECORDS,
): AsyncGenerator<readonly LogRecord[]> {
  if (inputs.length === 1) {
    for await (const page of inputs[0] as AsyncIterable<readonly LogRecord[]>) yield* pagesOf(page, pageRecords);
    return;
  }
  const all = inputs.map((input, order) => new MergeInput(order, input[Symbol.asyncIterator]()));
  try {
    let open = (await Promise.all(all.map(async (input) => ((await input.advance()) ? input : undefined)))).filter(
      (input) => input !== undefined,
    );
    let page: LogRecord[] = [];
    while (open.length > 0) {
      const [first, second] = twoOldest(open);
      // The oldest input gives records while it stays the oldest: one scan per run, not per record.
      do {
        page.push(first.take());
        if (page.length === pageRecords) {
          yield page;
          page = [];
        }
      } while (first.hasHead && (second === undefined || first.isBefore(second)));
      if (!first.hasHead && !(await first.advance())) open = open.filter((input) => input !== first);
    }
    if (page.length > 0) yield page;
  } finally {
    await Promise.all(all.map((input) => input.close()));
  }
}

/** One input of a merge: its current page, where the merge is in it, and the key of its head. */
class MergeInput {
  private page: readonly LogRecord[] = [];
  private index = 0;
  private lastKey = '';
  /** Sort key of the head record: 20-digit epoch nanoseconds, never below the previous one. */
  private headKey = '';

  constructor(
    readonly order: number,
    private readonly iterator: AsyncIterator<readonly LogRecord[]>,
  ) {}

  get hasHead(): boolean {
    return this.index < this.page.length;
  }

  /** Reads the next non-empty page; false once the input ended. */
  async advance(): Promise<boolean> {
    while (!this.hasHead) {
      const next = await this.iterator.next();
      if (next.done === true) return false;
      this.page = next.value;
      this.index = 0;
    }
    this.keyHead();
    return true;
  }

  take(): LogRecord {
    const record = this.page[this.index++] as LogRecord;
    if (this.hasHead) this.keyHead();
    return record;
  }

  isBefore(other: MergeInput): boolean {
    return this.headKey < other.headKey || (this.headKey === other.headKey && this.order < other.order);
  }

  async close(): Promise<void> {
    await this.iterator.return?.();
  }

  private keyHead(): void {
    const parsed = toEpochNanos((this.page[this.index] as LogRecord).ts);
    this.headKey = parsed === undefined || parsed < this.lastKey ? this.lastKey : parsed;
    this.lastKey = this.headKey;
  }
}

function twoOldest(inputs: readonly MergeInput[]): [MergeInput, MergeInput | undefined] {
  let first = inputs[0] as MergeInput;
  let second: MergeInput | undefined;
  for (let i = 1; i < inputs.length; i++) {
    const input = inputs[i] as MergeInput;
    if (input.isBefore(first)) [first, second] = [input, first];
    else if (second === undefined || input.isBefore(second)) second = input;
  }
  return [first, second];
}
