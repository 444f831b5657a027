import type { WireRecord } from '@tailgate/contracts';
import { describe, expect, it } from 'vitest';

import { batchBytes } from './batch-bytes';

const record = (line: string, node?: string): WireRecord => ({
  ts: '2026-01-01T00:00:00.000000001Z',
  ns: 'team-a',
  pod: 'checkout-api',
  container: 'app',
  ...(node !== undefined && { node }),
  stream: 'stdout',
  line,
  cursor: '0000000042',
});

describe('batchBytes', () => {
  it('is the JSON size of an ASCII batch, one separator per record', () => {
    const batch = [record('GET /health 200'), record('x'.repeat(500), 'node-1'), record('')];
    expect(batchBytes(batch)).toBe(batch.reduce((sum, r) => sum + JSON.stringify(r).length + 1, 0));
  });

  it('is zero for an empty batch', () => {
    expect(batchBytes([])).toBe(0);
  });
});
