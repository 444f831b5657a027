// Finding redis-server, and failing loudly with install instructions when it is missing.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { findRedisCli, findRedisServer, RedisServerNotFoundError } from './redis-server-executable';

describe('findRedisServer', () => {
  const dirs: string[] = [];
  const tempDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'tailgate-find-redis-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('finds redis-server on PATH before the usual directories', () => {
    const dir = tempDir();
    const fake = join(dir, 'redis-server');
    writeFileSync(fake, '#!/bin/sh\n');
    chmodSync(fake, 0o755);
    expect(findRedisServer(undefined, { PATH: dir })).toBe(fake);
  });

  it('prefers REDIS_SERVER_BIN and refuses one that is not executable', () => {
    const dir = tempDir();
    const notExecutable = join(dir, 'redis-server');
    writeFileSync(notExecutable, '');
    expect(() => findRedisServer(undefined, { PATH: '', REDIS_SERVER_BIN: notExecutable })).toThrow(RedisServerNotFoundError);
  });

  it('fails loudly, saying how to install it, when it is nowhere', () => {
    const missing = join(tempDir(), 'no-such-redis-server');
    expect(() => findRedisServer(missing, {})).toThrow(/apt-get install redis-server/);
    expect(() => findRedisServer(missing, {})).toThrow(/scripts\/setup\.sh/);
  });

  it('finds redis-cli the same way, and names it and REDIS_CLI_BIN when it is missing', () => {
    const dir = tempDir();
    const fake = join(dir, 'redis-cli');
    writeFileSync(fake, '#!/bin/sh\n');
    chmodSync(fake, 0o755);
    expect(findRedisCli(undefined, { PATH: dir })).toBe(fake);
    const missing = join(tempDir(), 'no-such-redis-cli');
    expect(() => findRedisCli(missing, {})).toThrow(/^redis-cli was not found.*REDIS_CLI_BIN/s);
  });
});
