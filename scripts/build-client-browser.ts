// Writes the browser build of @tailgate/client to libs/client/dist/browser/tailgate-client.js and
// prints its size (`npm run build:browser -w @tailgate/client`). Fails when it cannot be built
// for a browser (a Node built-in import, a type-free syntax error), listing every reason.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { bundleClientForBrowser } from './client-browser-bundle';

const OUTFILE = join(__dirname, '..', 'libs/client/dist/browser/tailgate-client.js');

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

bundleClientForBrowser().then(
  (bundle) => {
    mkdirSync(dirname(OUTFILE), { recursive: true });
    writeFileSync(OUTFILE, bundle.code);
    process.stdout.write(`${OUTFILE}: ${kib(bundle.bytes)} minified, ${kib(bundle.gzipBytes)} gzipped\n`);
  },
  (error: unknown) => {
    const errors = (error as { errors?: readonly { text: string; location?: { file: string; line: number } | null }[] }).errors;
    for (const e of errors ?? [{ text: String(error) }]) {
      process.stderr.write(`build-client-browser: ${e.location ? `${e.location.file}:${e.location.line}: ` : ''}${e.text}\n`);
    }
    process.exitCode = 1;
  },
);
