// Prints the configuration reference for the README (`npm run docs:config`), generated from the
// schemas so the README cannot drift from them; apps/gateway/src/readme-config.spec.ts checks it.
import { renderConfigTable } from '@tailgate/config';

import { BUNDLED_PLUGINS } from '../apps/gateway/src/bundled-plugins';

process.stdout.write(`${renderConfigTable(BUNDLED_PLUGINS)}\n`);
