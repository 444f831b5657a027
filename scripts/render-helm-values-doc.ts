// Rewrites the Helm values table of docs/deploy.md (`npm run docs:values`) from the chart's
// values.schema.json and values.yaml; scripts/deploy/values-doc.spec.ts keeps it current.
import { readFileSync, writeFileSync } from 'node:fs';

import { DEPLOY_DOC, renderValuesTable, withValuesTable } from './deploy/values-doc';

writeFileSync(DEPLOY_DOC, withValuesTable(readFileSync(DEPLOY_DOC, 'utf8'), renderValuesTable()));
