import { join } from 'node:path';

import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, it } from 'vitest';

import { layersRule } from './layers-rule.mjs';

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const root = 'apps/demo-app/src';
const options = [{ root, layers: [['model'], ['access', 'quotas'], ['streams'], ['socket'], ['.']] }];
const file = (path: string) => join(process.cwd(), root, path);
const tester = new RuleTester({ languageOptions: { parser: tseslint.parser, sourceType: 'module' } });

tester.run('tailgate/layers', layersRule, {
  valid: [
    { filename: file('streams/fanout.ts'), code: "import { a } from '../model/a';", options },
    { filename: file('streams/fanout.ts'), code: "import { b } from './b';", options },
    { filename: file('streams/testing/helper.ts'), code: "import { b } from '../b';", options },
    { filename: file('socket/gateway.ts'), code: "import { s } from '../streams/s'; import { m } from '../model/m';", options },
    { filename: file('start.ts'), code: "import { g } from './socket/gateway';", options },
    { filename: file('streams/fanout.ts'), code: "import { z } from 'zod'; import { x } from '../../../../libs/x';", options },
    // Tests may compose any layers.
    { filename: file('model/a.spec.ts'), code: "import { s } from '../streams/s';", options },
  ],
  invalid: [
    { filename: file('model/a.ts'), code: "import { s } from '../streams/s';", options, errors: [{ messageId: 'upward' }] },
    {
      filename: file('streams/fanout.ts'),
      code: "import type { G } from '../socket/gateway';",
      options,
      errors: [{ messageId: 'upward' }],
    },
    { filename: file('streams/fanout.ts'), code: "export { G } from '../socket/gateway';", options, errors: [{ messageId: 'upward' }] },
    { filename: file('streams/fanout.ts'), code: "const m = import('../socket/gateway');", options, errors: [{ messageId: 'upward' }] },
    // Same layer: neither imports the other.
    { filename: file('access/a.ts'), code: "import { q } from '../quotas/q';", options, errors: [{ messageId: 'upward' }] },
    { filename: file('socket/gateway.ts'), code: "import { r } from '../start';", options, errors: [{ messageId: 'upward' }] },
    { filename: file('streams/fanout.ts'), code: "import { n } from '../newfolder/n';", options, errors: [{ messageId: 'unplaced' }] },
  ],
});
