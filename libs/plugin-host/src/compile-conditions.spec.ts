import type { RecordRule, RecordView } from '@tailgate/plugin-sdk';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { ALLOW_ALL, compileConditions, DENY_ALL } from './compile-conditions';

const record = (pod: string, line = 'x'): RecordView => ({ ts: 't', ns: 'n', pod, container: 'c', stream: 'stdout', line });
const seen: RecordView[] = [];
const rules = new Map<string, RecordRule<unknown>>([
  [
    't.pod-is',
    {
      name: 'pod-is',
      params: z.strictObject({ pod: z.string() }),
      test: (r, params) => {
        seen.push(r);
        return r.pod === (params as { pod: string }).pod;
      },
    },
  ],
  [
    't.line-has',
    {
      name: 'line-has',
      params: z.strictObject({ text: z.string() }),
      test: (r, params) => r.line.includes((params as { text: string }).text),
    },
  ],
]);

describe('compileConditions', () => {
  it('passes every record without conditions', () => {
    expect(compileConditions([], rules)).toBe(ALLOW_ALL);
  });

  it('denies every record when a condition names an unknown rule or params its rule refuses', () => {
    expect(compileConditions([{ rule: 'nobody.rule', params: {} }], rules)).toBe(DENY_ALL);
    expect(compileConditions([{ rule: 't.pod-is', params: { pod: 1 } }], rules)).toBe(DENY_ALL);
  });

  it('passes a record only when it meets every condition', () => {
    const predicate = compileConditions(
      [
        { rule: 't.pod-is', params: { pod: 'a' } },
        { rule: 't.line-has', params: { text: 'ok' } },
      ],
      rules,
    );
    expect(predicate(record('a', 'ok'))).toBe(true);
    expect(predicate(record('a', 'no'))).toBe(false);
    expect(predicate(record('b', 'ok'))).toBe(false);
  });

  it('gives the rules the very record it is asked about, fields and all, never a copy', () => {
    const predicate = compileConditions([{ rule: 't.pod-is', params: { pod: 'a' } }], rules);
    const wireRecord = { ...record('a'), cursor: '7' };
    seen.length = 0;
    predicate(wireRecord);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBe(wireRecord);
  });
});
