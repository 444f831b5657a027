// What the numbers were measured on: CPUs, memory, kernel, Node and the versions of the packages
// on the hot path, read from their installed package.json files.
import { readFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { join } from 'node:path';

export interface MachineInfo {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly kernel: string;
  readonly node: string;
  readonly packages: Readonly<Record<string, string>>;
}

const HOT_PATH_PACKAGES = ['socket.io', 'socket.io-client', 'engine.io', 'ws', 'ioredis', '@nestjs/core', 'zod'];

export function describeMachine(repoRoot: string): MachineInfo {
  const packages: Record<string, string> = {};
  for (const name of HOT_PATH_PACKAGES) {
    try {
      const manifest = JSON.parse(readFileSync(join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version?: string };
      packages[name] = manifest.version ?? 'unknown';
    } catch {
      packages[name] = 'not installed';
    }
  }
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    node: process.version,
    packages,
  };
}
