// Where the web UI's build is: next to the bundle in the CLI's packed tarball (`dist/web/`, beside
// `dist/tailgate.js`), else apps/web/dist in the repository (this file is in apps/gateway/src/http
// or apps/gateway/dist/http). The repository path is only taken from inside the gateway package,
// so a bundle elsewhere never looks in a directory three levels above itself.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export function defaultWebUiDir(here: string = __dirname): string {
  const besideBundle = join(here, 'web');
  if (existsSync(join(besideBundle, 'index.html'))) return besideBundle;
  const gatewayPackage = resolve(here, '../..');
  if (packageName(join(gatewayPackage, 'package.json')) === '@tailgate/gateway') return resolve(gatewayPackage, '../web/dist');
  return besideBundle;
}

function packageName(path: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { name?: string }).name;
  } catch {
    return undefined;
  }
}
