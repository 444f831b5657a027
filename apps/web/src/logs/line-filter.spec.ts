import { describe, expect, it } from 'vitest';

import type { LogEntry, NewLogEntry } from './log-entry';
import { compileFilter, DEFAULT_FILTERS, type FilterSettings } from './line-filter';
import { FilteredView } from './filtered-view';
import { LineStore } from './line-store';
import type { LogLevel } from './log-level';

const line = (text: string, level?: LogLevel): LogEntry => ({
  kind: 'line',
  seq: 1,
  ts: '2026-12-07T10:00:00Z',
  ns: 'n',
  pod: 'p',
  container: 'c',
  stream: 'stdout',
  line: text,
  json: false,
  ...(level && { level }),
});
const notice: LogEntry = { kind: 'notice', seq: 2, notice: 'denied', text: 'n/p/c: you may not read this container', severity: 'warning' };

const accepts = (settings: Partial<FilterSettings>, entry: LogEntry) => compileFilter({ ...DEFAULT_FILTERS, ...settings }).accepts(entry);

describe('compileFilter', () => {
  it('passes every line by default, without per-line work', () => {
    const filter = compileFilter(DEFAULT_FILTERS);
    expect(filter.passesAll).toBe(true);
    expect(filter.accepts(line('anything'))).toBe(true);
  });

  it('includes lines containing the text, case-insensitively', () => {
    expect(accepts({ include: 'Timeout' }, line('read TIMEOUT after 3s'))).toBe(true);
    expect(accepts({ include: 'timeout' }, line('all good'))).toBe(false);
  });

  it('excludes lines matching a /regex/', () => {
    expect(accepts({ exclude: '/health(z|check)/' }, line('GET /healthz 200'))).toBe(false);
    expect(accepts({ exclude: '/health(z|check)/' }, line('GET /orders 200'))).toBe(true);
  });

  it('filters by level, with lines without a level under "none"', () => {
    const levels: FilterSettings['levels'] = ['warn', 'error'];
    expect(accepts({ levels }, line('x', 'error'))).toBe(true);
    expect(accepts({ levels }, line('x', 'info'))).toBe(false);
    expect(accepts({ levels }, line('x'))).toBe(false);
    expect(accepts({ levels: ['none'] }, line('x'))).toBe(true);
  });

  it('filters by search only when asked to show only matching lines', () => {
    expect(accepts({ search: 'abc' }, line('xyz'))).toBe(true);
    expect(accepts({ search: 'abc', onlyMatching: true }, line('xyz'))).toBe(false);
    expect(accepts({ search: 'abc', onlyMatching: true }, line('xabcx'))).toBe(true);
  });

  it('never filters a notice away', () => {
    expect(accepts({ include: 'nothing-like-it', exclude: '/./', levels: [], search: 'zzz', onlyMatching: true }, notice)).toBe(true);
  });

  it('reports an invalid regular expression and filters nothing with it', () => {
    const filter = compileFilter({ ...DEFAULT_FILTERS, include: '/(/' });
    expect(filter.errors).toEqual(['include']);
    expect(filter.accepts(line('anything'))).toBe(true);
  });
});

describe('FilteredView', () => {
  const raw = (text: string): NewLogEntry => ({
    kind: 'line',
    ts: '2026-12-07T10:00:00Z',
    ns: 'n',
    pod: 'p',
    container: 'c',
    stream: 'stdout',
    line: text,
    json: false,
  });

  it('filters only new entries as they arrive and forgets the ones the store discarded', () => {
    const store = new LineStore(4);
    const view = new FilteredView(compileFilter({ ...DEFAULT_FILTERS, include: 'keep' }));
    store.append([raw('keep 1'), raw('drop 2'), raw('keep 3')]);
    expect(view.update(store)).toBe(2);
    expect([view.seqAt(0), view.seqAt(1)]).toEqual([1, 3]);
    store.append([raw('keep 4'), raw('drop 5'), raw('keep 6')]);
    expect(view.update(store)).toBe(2);
    const seqs = Array.from({ length: view.length }, (_, i) => view.seqAt(i));
    expect(seqs).toEqual([3, 4, 6]);
  });

  it('rebuilds over what the store holds when the filter changes', () => {
    const store = new LineStore(10);
    const view = new FilteredView(compileFilter(DEFAULT_FILTERS));
    store.append([raw('a'), raw('b'), raw('ab')]);
    view.update(store);
    expect(view.length).toBe(3);
    view.setFilter(compileFilter({ ...DEFAULT_FILTERS, exclude: 'b' }), store);
    expect(view.length).toBe(1);
    expect(view.seqAt(0)).toBe(1);
  });
});
