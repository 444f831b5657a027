import { describe, expect, it } from 'vitest';

import { mergeOldestFirst, pagesOf } from './backlog-pages';
import type { LogRecord } from './records';

const at = (container: string, second: number, line = `${container}@${second}`): LogRecord => ({
  ts: `2024-05-01T10:00:${String(second).padStart(2, '0')}Z`,
  target: { namespace: 'n', pod: 'p', container },
  stream: 'stdout',
  line,
  cursor: line,
});

/** An input that counts the pages taken from it and whether it was closed. */
function input(pages: readonly (readonly LogRecord[])[]) {
  const state = { taken: 0, closed: false };
  async function* read(): AsyncGenerator<readonly LogRecord[]> {
    try {
      for (const page of pages) {
        state.taken++;
        yield page;
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, pages: read() };
}

async function all(pages: AsyncIterable<readonly LogRecord[]>): Promise<(readonly LogRecord[])[]> {
  const out: (readonly LogRecord[])[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

describe('backlog pages', () => {
  it('hands records already held over in pages of at most the given size', async () => {
    const records = [1, 2, 3, 4, 5].map((s) => at('a', s));
    expect((await all(pagesOf(records, 2))).map((page) => page.length)).toEqual([2, 2, 1]);
    expect(await all(pagesOf([]))).toEqual([]);
  });

  it('merges inputs oldest first, ties in input order, each input in its own order', async () => {
    const a = input([
      [at('a', 1), at('a', 3)],
      [at('a', 3, 'a@3 again'), at('a', 2, 'a late stamp'), at('a', 6)],
    ]);
    const b = input([[at('b', 2), at('b', 3)], [at('b', 5)]]);
    const merged = (await all(mergeOldestFirst([a.pages, b.pages], 3))).flat().map((r) => r.line);
    // `a late stamp` went back in time: it keeps its place after `a@3 again`.
    expect(merged).toEqual(['a@1', 'b@2', 'a@3', 'a@3 again', 'a late stamp', 'b@3', 'b@5', 'a@6']);
  });

  it('yields pages of at most the given size, and one input as it comes in pages of that size', async () => {
    const a = input([[1, 2, 3, 4, 5].map((s) => at('a', s))]);
    const b = input([[at('b', 1)]]);
    expect((await all(mergeOldestFirst([a.pages, b.pages], 2))).map((page) => page.length)).toEqual([2, 2, 2]);
    const single = input([[1, 2, 3, 4, 5].map((s) => at('a', s))]);
    expect((await all(mergeOldestFirst([single.pages], 2))).map((page) => page.length)).toEqual([2, 2, 1]);
  });

  it('reads an input only when the merge reaches the end of its page, and closes every input when stopped', async () => {
    const a = input([[at('a', 1), at('a', 2)], [at('a', 3)], [at('a', 9)]]);
    const b = input([[at('b', 1)], [at('b', 8)]]);
    const merged = mergeOldestFirst([a.pages, b.pages], 2);
    const first = await merged.next();
    expect(first.done === true ? [] : first.value.map((r) => r.line)).toEqual(['a@1', 'b@1']);
    expect([a.state.taken, b.state.taken]).toEqual([1, 1]);
    await merged.return(undefined);
    expect([a.state.closed, b.state.closed]).toEqual([true, true]);
    expect(a.state.taken).toBeLessThan(3);
  });

  it('fails when an input fails, and closes the others', async () => {
    const b = input([[at('b', 1)], [at('b', 2)]]);
    async function* failing(): AsyncGenerator<readonly LogRecord[]> {
      yield [at('a', 1)];
      throw new Error('read failed');
    }
    await expect(all(mergeOldestFirst([failing(), b.pages]))).rejects.toThrow('read failed');
    expect(b.state.closed).toBe(true);
  });
});
