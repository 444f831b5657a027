// The browser build of @tailgate/client: one ES module with socket.io-client and zod inside, bundled
// by esbuild from the workspace's TypeScript sources. Used by `npm run build:browser` in libs/client
// and, in memory, by the browser test harness, so what the tests load is what users get.
//
// A browser build must not need Node: esbuild already refuses `node:`-prefixed imports and most bare
// built-in names on `platform: 'browser'`, but it would quietly resolve `buffer`, `events`,
// `process`, `util`, … to npm shims that happen to sit in node_modules. The guard below makes every
// built-in name an error, so a Node dependency creeping into the client fails the build instead.
//
// It must not need `eval` either: pages served with a strict Content-Security-Policy (no
// 'unsafe-eval') report every attempt. Zod probes `new Function` when it builds its first object
// schema, to compile faster parsers; the bundle turns that off (zod's `jitless`) before any schema
// exists, at about 2 µs instead of 0.6 µs per record parsed.
import { builtinModules } from 'node:module';
import { isAbsolute, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

import { build, type Plugin } from 'esbuild';

const REPO_ROOT = join(__dirname, '..');

/** The client's entry: its sources, not dist (which tsc emits as CommonJS for Node). */
export const CLIENT_BROWSER_ENTRY = join(REPO_ROOT, 'libs/client/src/index.ts');

export interface ClientBrowserBundleOptions {
  /** Default true. */
  readonly minify?: boolean;
  /** Default `CLIENT_BROWSER_ENTRY`. */
  readonly entry?: string;
  /** Bundle this module text (resolved from the repository root) instead of `entry`; for checking the build itself. */
  readonly contents?: string;
}

export interface ClientBrowserBundle {
  /** The ES module's text. */
  readonly code: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  /** Every bundled file, relative to the repository root. */
  readonly inputs: readonly string[];
  /** What the bundle still imports at run time (nothing, for a self-contained module). */
  readonly imports: readonly string[];
}

const NODE_BUILTINS = new Set(builtinModules);

/** Whether `specifier` names a Node built-in module (`node:fs`, `fs`, `fs/promises`, `buffer`, …). */
export function isNodeBuiltin(specifier: string): boolean {
  if (specifier.startsWith('node:')) return true;
  return NODE_BUILTINS.has(specifier) || NODE_BUILTINS.has(specifier.split('/')[0] ?? '');
}

/** A module evaluated before everything else in the bundle: zod without `new Function`. */
const ZOD_JITLESS = 'tailgate:zod-jitless';

const zodJitless: Plugin = {
  name: 'zod-jitless',
  setup(builder) {
    builder.onResolve({ filter: /^tailgate:zod-jitless$/ }, () => ({ path: ZOD_JITLESS, namespace: 'tailgate' }));
    builder.onLoad({ filter: /.*/, namespace: 'tailgate' }, () => ({
      contents: "import { config } from 'zod';\nconfig({ jitless: true });\n",
      resolveDir: REPO_ROOT,
      loader: 'ts',
    }));
  },
};

/** Fails the build on any import of a Node built-in, naming the importer. */
const refuseNodeBuiltins: Plugin = {
  name: 'refuse-node-builtins',
  setup(builder) {
    builder.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point' || !isNodeBuiltin(args.path)) return undefined;
      const importer = isAbsolute(args.importer) ? relative(REPO_ROOT, args.importer) : args.importer;
      return {
        errors: [
          { text: `"${args.path}" is a Node built-in, imported by ${importer}; the browser build of @tailgate/client must not need Node` },
        ],
      };
    });
  },
};

/** Rejects (esbuild's BuildFailure, with every error) when the bundle cannot be built for a browser. */
export async function bundleClientForBrowser(options: ClientBrowserBundleOptions = {}): Promise<ClientBrowserBundle> {
  // ES modules run in import order: the zod setting is in place before the first schema is built.
  const contents =
    options.contents ?? `import '${ZOD_JITLESS}';\nexport * from ${JSON.stringify(options.entry ?? CLIENT_BROWSER_ENTRY)};\n`;
  const result = await build({
    stdin: { contents, resolveDir: REPO_ROOT, loader: 'ts', sourcefile: '<contents>' },
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    // The workspace packages' TypeScript sources (`@tailgate/contracts` included), then the usual ESM picks.
    conditions: ['@tailgate/source', 'module'],
    minify: options.minify ?? true,
    legalComments: 'eof',
    metafile: true,
    logLevel: 'silent',
    plugins: [zodJitless, refuseNodeBuiltins],
  });
  const output = result.outputFiles[0];
  const meta = Object.values(result.metafile.outputs)[0];
  if (!output || !meta) throw new Error('esbuild produced no output');
  return {
    code: output.text,
    bytes: output.contents.byteLength,
    gzipBytes: gzipSync(output.contents).byteLength,
    inputs: Object.keys(result.metafile.inputs),
    imports: meta.imports.map((i) => i.path),
  };
}
