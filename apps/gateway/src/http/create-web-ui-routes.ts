// The web UI's routes when `server.webUi` is on and the build is there; otherwise none, with one
// log line saying why (a gateway without the UI still serves the API and Socket.IO).
import type { ServerConfigSchema } from '@tailgate/config';
import type { Logger } from 'pino';
import type { z } from 'zod';

import { defaultWebUiDir } from './web-ui-dir';
import { readUiFiles } from './web-ui-files';
import { WebUiRoutes } from './web-ui-routes';

const PROBLEMS = {
  missing: 'web UI build not found (run `npm run build -w @tailgate/web`); the UI is not served',
  'no-index': 'web UI build has no index.html; the UI is not served',
  'too-large': 'web UI build is larger than the gateway serves; the UI is not served',
} as const;

export async function createWebUiRoutes(
  server: z.output<typeof ServerConfigSchema>,
  dir: string | undefined,
  logger: Logger,
): Promise<WebUiRoutes | undefined> {
  if (!server.webUi) return undefined;
  const root = dir ?? defaultWebUiDir();
  const read = await readUiFiles(root).catch(() => ({ ok: false, problem: 'missing' }) as const);
  if (!read.ok) {
    logger.warn({ dir: root }, PROBLEMS[read.problem]);
    return undefined;
  }
  logger.info({ dir: root, files: read.files.size }, 'serving the web UI');
  return new WebUiRoutes(server.basePath, read.files);
}
