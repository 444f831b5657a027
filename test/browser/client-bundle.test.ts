// The browser build of @tailgate/client needs no Node: every Node built-in, `node:`-prefixed or
// bare, fails the build instead of being shimmed, and the real bundle is a self-contained ES module.
import { describe, expect, it } from 'vitest';

import { bundleClientForBrowser, isNodeBuiltin } from '../../scripts/client-browser-bundle';

/** The error texts of a failed build. */
async function buildErrors(contents: string): Promise<string[]> {
  try {
    await bundleClientForBrowser({ contents });
  } catch (error) {
    return ((error as { errors?: readonly { text: string }[] }).errors ?? []).map((e) => e.text);
  }
  throw new Error('the build succeeded');
}

describe('the browser build of @tailgate/client', () => {
  // `buffer`, `events`, `process`, `util`, … exist as npm shims; esbuild alone would bundle them without a word.
  it.each(['node:fs', 'fs', 'fs/promises', 'buffer', 'events', 'process', 'util', 'stream', 'node:crypto'])(
    'fails on an import of the Node built-in %s',
    async (specifier) => {
      expect(await buildErrors(`import '${specifier}';`)).toEqual([
        `"${specifier}" is a Node built-in, imported by <contents>; the browser build of @tailgate/client must not need Node`,
      ]);
    },
  );

  it('fails on a require() of a Node built-in too, whatever else the module brings', async () => {
    expect(await buildErrors(`export { connect } from '@tailgate/client'; export const f = () => require('os');`)).toEqual([
      '"os" is a Node built-in, imported by <contents>; the browser build of @tailgate/client must not need Node',
    ]);
  });

  it('bundles the client, socket.io-client and zod into one ES module that imports nothing', async () => {
    const bundle = await bundleClientForBrowser();
    expect(bundle.inputs.some((input) => input.startsWith('libs/client/src/'))).toBe(true);
    expect(bundle.inputs.some((input) => input.startsWith('libs/contracts/src/'))).toBe(true);
    expect(bundle.inputs.some((input) => input.includes('node_modules/socket.io-client/'))).toBe(true);
    expect(bundle.inputs.some((input) => input.includes('node_modules/zod/'))).toBe(true);
    expect(bundle.inputs.filter(isNodeBuiltin)).toEqual([]);
    // Self-contained: nothing is left for a browser to resolve.
    expect(bundle.imports).toEqual([]);
    expect(bundle.code).toMatch(/export\s*\{[^}]*\bconnect\b/);
  });
});
