// Finds the Redis binaries the test harness runs (redis-server, and redis-cli for clusters), or
// fails loudly with how to install them: tests that need Redis never skip silently.
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

export type RedisExecutable = 'redis-server' | 'redis-cli';

export class RedisServerNotFoundError extends Error {
  readonly code = 'redis_server_not_found';

  constructor(searched: string, executable: RedisExecutable = 'redis-server') {
    super(
      `${executable} was not found (${searched}). The integration tests need a real Redis: ` +
        'run `bash scripts/setup.sh`, or install it with `sudo apt-get install redis-server` (Debian/Ubuntu; it brings redis-cli), ' +
        `or point ${ENV_VARIABLES[executable]} at a ${executable} binary.`,
    );
    this.name = 'RedisServerNotFoundError';
  }
}

const ENV_VARIABLES: Readonly<Record<RedisExecutable, string>> = { 'redis-server': 'REDIS_SERVER_BIN', 'redis-cli': 'REDIS_CLI_BIN' };

// Debian installs it in /usr/bin; sbin directories are often missing from PATH.
const FALLBACK_DIRS = ['/usr/bin', '/usr/local/bin', '/usr/sbin', '/usr/local/sbin'];

/** `explicit`, else `$REDIS_SERVER_BIN`, else `redis-server` on PATH or in the usual directories. */
export function findRedisServer(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  return findRedisExecutable('redis-server', explicit, env);
}

/** `explicit`, else `$REDIS_CLI_BIN`, else `redis-cli` on PATH or in the usual directories. */
export function findRedisCli(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  return findRedisExecutable('redis-cli', explicit, env);
}

function findRedisExecutable(executable: RedisExecutable, explicit: string | undefined, env: NodeJS.ProcessEnv): string {
  const configured = explicit ?? env[ENV_VARIABLES[executable]];
  if (configured !== undefined && configured !== '') {
    const path = isAbsolute(configured) ? configured : searchDirs(configured, pathDirs(env));
    if (path !== undefined && isExecutable(path)) return path;
    throw new RedisServerNotFoundError(`looked for ${JSON.stringify(configured)}`, executable);
  }
  const dirs = [...pathDirs(env), ...FALLBACK_DIRS];
  const found = searchDirs(executable, dirs);
  if (found === undefined) throw new RedisServerNotFoundError(`searched ${[...new Set(dirs)].join(delimiter)}`, executable);
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
