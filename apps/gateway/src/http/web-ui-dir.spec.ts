import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { defaultWebUiDir } from './web-ui-dir';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('defaultWebUiDir', () => {
  it("is apps/web/dist from the gateway's sources or build in the repository", () => {
    const web = resolve(__dirname, '../../../web/dist');
    expect(defaultWebUiDir(__dirname)).toBe(web);
    expect(defaultWebUiDir(resolve(__dirname, '../../dist/http'))).toBe(web);
  });

  it("is web/ beside the CLI's bundle, and never a directory above a bundle outside the gateway package", () => {
    const pkg = mkdtempSync(join(tmpdir(), 'tailgate-pack-'));
    dirs.push(pkg);
    const dist = join(pkg, 'dist');
    expect(defaultWebUiDir(dist)).toBe(join(dist, 'web'));
    mkdirSync(join(dist, 'web'), { recursive: true });
    writeFileSync(join(dist, 'web', 'index.html'), '<!doctype html>');
    expect(defaultWebUiDir(dist)).toBe(join(dist, 'web'));
  });
});
