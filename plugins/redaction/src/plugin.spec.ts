import { registerForTest } from '@tailgate/plugin-sdk/testing';
import { describe, expect, it } from 'vitest';

import { redactionPlugin } from './plugin';

describe('redaction plugin', () => {
  it('registers the `mask` record transform, whose default params apply every built-in rule', async () => {
    const registered = await registerForTest(redactionPlugin);
    expect(registered.recordTransforms.map((t) => t.name)).toEqual(['mask']);
    const [transform] = registered.recordTransforms;
    const run = transform!.prepare(transform!.params.parse({}));
    expect(run(['mail ops@example.com', 'plain'])).toEqual(['mail [REDACTED:email]', 'plain']);
  });
});
