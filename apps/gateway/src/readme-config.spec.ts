// The README's configuration table is the one generated from the schemas.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { renderConfigTable } from '@tailgate/config';
import { describe, expect, it } from 'vitest';

import { BUNDLED_PLUGINS } from './bundled-plugins';

describe('README configuration table', () => {
  it('matches the schemas of the core and every bundled plugin (regenerate with npm run docs:config)', () => {
    const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
    expect(readme).toContain(renderConfigTable(BUNDLED_PLUGINS));
  });
});
