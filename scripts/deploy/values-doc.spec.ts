// The chart's values are all documented, once: values.schema.json describes every value and is
// strict (an unknown key is refused by helm), values.yaml gives every value a default and nothing
// the schema does not know, and docs/deploy.md carries the table generated from both.
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import {
  DEPLOY_DOC,
  readDefaultValues,
  readValuesSchema,
  renderValuesTable,
  type SchemaNode,
  schemaEntries,
  TABLE_BEGIN,
  TABLE_END,
  valueAt,
  withValuesTable,
} from './values-doc';

const schema = readValuesSchema();
const defaults = readDefaultValues();

/** Paths of every key of values.yaml, down to where the schema stops naming keys. */
function valuePaths(values: unknown, node: SchemaNode, prefix = ''): string[] {
  if (node.properties === undefined || typeof values !== 'object' || values === null || Array.isArray(values)) return [];
  return Object.entries(values).flatMap(([key, value]) => {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    const child = node.properties?.[key];
    return child === undefined ? [path] : [path, ...valuePaths(value, child, path)];
  });
}

describe('the Helm values reference', () => {
  it('docs/deploy.md carries the table generated from the schema and values.yaml (regenerate with npm run docs:values)', () => {
    const doc = readFileSync(DEPLOY_DOC, 'utf8');
    expect(doc).toContain(`${TABLE_BEGIN}\n\n${renderValuesTable()}\n\n${TABLE_END}`);
    expect(withValuesTable(doc, renderValuesTable())).toBe(doc);
  });

  it('describes every value, and refuses unknown keys in every section', () => {
    expect(schema).toMatchObject({ $schema: 'http://json-schema.org/draft-07/schema#', additionalProperties: false });
    const entries = schemaEntries(schema);
    expect(entries.length).toBeGreaterThan(100);
    for (const [path, node] of entries) {
      expect(node.description?.length, `${path} has no description`).toBeGreaterThan(5);
      if (node.properties !== undefined) expect(node.additionalProperties, `${path} is not strict`).toBe(false);
    }
  });

  it('has a default in values.yaml for every value, and values.yaml names nothing the schema does not', () => {
    const known = new Set(schemaEntries(schema).map(([path]) => path));
    expect(valuePaths(defaults, schema).filter((path) => !known.has(path))).toEqual([]);
    const missing = schemaEntries(schema)
      .filter(([, node]) => node.properties === undefined)
      .map(([path]) => path)
      .filter((path) => valueAt(defaults, path) === undefined);
    expect(missing).toEqual([]);
  });

  it('renders a row per value with its default, and sections without one', () => {
    const table = renderValuesTable();
    expect(table).toContain('| `gateway.replicas` | integer | `1` |');
    expect(table).toContain('| `gateway` | object | — |');
    expect(table).toContain('| `image.pullPolicy` | `Always` \\| `IfNotPresent` \\| `Never` | `"IfNotPresent"` |');
  });
});
