import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { GATEWAY_PACKAGE } from './gateway-package';

describe('GATEWAY_PACKAGE', () => {
  it('is the package’s name and version', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '../..', 'package.json'), 'utf8')) as { name: string; version: string };
    expect(GATEWAY_PACKAGE).toEqual({ name: pkg.name, version: pkg.version });
  });
});
