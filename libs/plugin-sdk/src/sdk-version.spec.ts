import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { SDK_VERSION } from './sdk-version';

describe('SDK_VERSION', () => {
  it('is the package’s version, so a version bump changes what definePlugin() stamps', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
    expect(SDK_VERSION).toBe(pkg.version);
  });
});
