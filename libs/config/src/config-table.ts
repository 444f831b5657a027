// Renders the configuration reference (a Markdown table) from the schema, for the README.
import { z } from 'zod';

import { TailgateConfigSchema } from './tailgate-config.schema';

interface JsonSchemaNode {
  readonly type?: string | string[];
  readonly description?: string;
  readonly default?: unknown;
  readonly properties?: Readonly<Record<string, JsonSchemaNode>>;
  readonly enum?: readonly unknown[];
  readonly anyOf?: readonly JsonSchemaNode[];
  readonly oneOf?: readonly JsonSchemaNode[];
}

/** One Markdown table row per setting of `schema`, named from `prefix`. */
export function configTableRows(schema: z.ZodType = TailgateConfigSchema, prefix = ''): string[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchemaNode;
  return rowsOf(json, prefix);
}

function rowsOf(node: JsonSchemaNode, prefix: string): string[] {
  return Object.entries(node.properties ?? {}).flatMap(([key, child]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    const isSection = child.properties !== undefined && child.description === undefined;
    if (isSection) return rowsOf(child, path);
    return [`| \`${path}\` | ${typeOf(child)} | ${defaultOf(child)} | ${child.description ?? ''} |`];
  });
}

function typeOf(node: JsonSchemaNode): string {
  if (node.enum) return node.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  const variants = node.oneOf ?? node.anyOf;
  if (variants) return 'object';
  return Array.isArray(node.type) ? node.type.join(' \\| ') : (node.type ?? 'any');
}

function defaultOf(node: JsonSchemaNode): string {
  return node.default === undefined ? '—' : `\`${JSON.stringify(node.default)}\``;
}

/** The whole reference: core settings, then each plugin's block under `plugins.<id>`. */
export function renderConfigTable(plugins: readonly { id: string; configSchema: z.ZodType }[] = []): string {
  const pluginRows = plugins.flatMap((plugin) => configTableRows(plugin.configSchema, `plugins.${plugin.id}`));
  return ['| Setting | Type | Default | Meaning |', '|---|---|---|---|', ...configTableRows(), ...pluginRows].join('\n');
}
