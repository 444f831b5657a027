// Finds the redis-server binary the test harness runs, or fails loudly with how to install it:
// tests that need Redis never skip silently.
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

export class RedisServerNotFoundError extends Error {
  readonly code = 'redis_server_not_found';

  constructor(searched: string) {
    super(
      `redis-server was not found (${searched}). The integration tests need a real Redis: ` +
        'run `bash scripts/setup.sh`, or install it with `sudo apt-get install redis-server` (Debian/Ubuntu), ' +
        'or point REDIS_SERVER_BIN at a redis-server binary.',
    );
    this.name = 'RedisServerNotFoundError';
  }
}

// Debian installs it in /usr/bin; sbin directories are often missing from PATH.
const FALLBACK_DIRS = ['/usr/bin', '/usr/local/bin', '/usr/sbin', '/usr/local/sbin'];

/** `explicit`, else `$REDIS_SERVER_BIN`, else `redis-server` on PATH or in the usual directories. */
export function findRedisServer(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  const configured = explicit ?? env['REDIS_SERVER_BIN'];
  if (configured !== undefined && configured !== '') {
    const path = isAbsolute(configured) ? configured : searchDirs(configured, pathDirs(env));
    if (path !== undefined && isExecutable(path)) return path;
    throw new RedisServerNotFoundError(`looked for ${JSON.stringify(configured)}`);
  }
  const dirs = [...pathDirs(env), ...FALLBACK_DIRS];
  const found = searchDirs('redis-server', dirs);
  if (found === undefined) throw new RedisServerNotFoundError(`searched ${[...new Set(dirs)].join(delimiter)}`);
  return found;
}

function pathDirs(env: NodeJS.ProcessEnv): string[] {
  return (env['PATH'] ?? '').split(delimiter).filter((dir) => dir !== '');
}

function searchDirs(name: string, dirs: readonly string[]): string | undefined {
  return dirs.map((dir) => join(dir, name)).find(isExecutable);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
