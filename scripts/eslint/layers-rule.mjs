// ESLint rule `tailgate/layers`: inside an app, folders form layers and imports point down only.
// A folder may import its own files and folders of lower layers; folders of one layer do not
// import each other, and a folder no layer names is an error (a new folder takes its place in the
// list on purpose). Files directly under the app's source root are the composition layer: name
// it '.' in the list. Spec files are exempt: a test may compose any layers.
import { dirname, relative, resolve, sep } from 'node:path';

/** @type {import('eslint').Rule.RuleModule} */
export const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'imports inside an app point from upper layers to lower ones only' },
    schema: [
      {
        type: 'object',
        properties: {
          root: { type: 'string' },
          layers: { type: 'array', items: { type: 'array', items: { type: 'string' } } },
        },
        required: ['root', 'layers'],
        additionalProperties: false,
      },
    ],
    messages: {
      upward: "'{{from}}' (layer {{fromRank}}) may not import '{{to}}' (layer {{toRank}}): layers point one way, from upper to lower",
      unplaced: "folder '{{folder}}' has no layer: add it to the layers of {{root}} in eslint.config.mjs",
    },
  },
  create(context) {
    const { root, layers } = context.options[0];
    const rootDir = resolve(context.cwd, root);
    const rank = new Map(layers.flatMap((names, index) => names.map((name) => [name, index])));
    const fromFolder = folderOf(rootDir, context.filename);
    if (fromFolder === undefined || context.filename.endsWith('.spec.ts')) return {};
    const check = (node, specifier) => {
      if (typeof specifier !== 'string' || !specifier.startsWith('.')) return;
      const toFolder = folderOf(rootDir, resolve(dirname(context.filename), specifier));
      if (toFolder === undefined || toFolder === fromFolder) return;
      for (const folder of [fromFolder, toFolder]) {
        if (!rank.has(folder)) return context.report({ node, messageId: 'unplaced', data: { folder, root } });
      }
      const fromRank = rank.get(fromFolder);
      const toRank = rank.get(toFolder);
      if (toRank >= fromRank) context.report({ node, messageId: 'upward', data: { from: fromFolder, to: toFolder, fromRank, toRank } });
    };
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
    };
  },
};

/** The top folder under `rootDir` that `path` is in, '.' for a file directly under it, undefined outside. */
function folderOf(rootDir, path) {
  const rel = relative(rootDir, path);
  if (rel.startsWith('..') || rel === '') return undefined;
  const parts = rel.split(sep);
  return parts.length === 1 ? '.' : parts[0];
}

export const tailgatePlugin = { rules: { layers: layersRule } };
