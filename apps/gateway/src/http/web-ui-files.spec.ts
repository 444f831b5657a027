import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { readUiFiles } from './web-ui-files';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function build(files: Readonly<Record<string, string>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tailgate-ui-'));
  dirs.push(dir);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

describe('readUiFiles', () => {
  it('reads the build with content types, ETags, a year of caching for assets and revalidation for the rest', async () => {
    const dir = build({
      'index.html': '<!doctype html>',
      'assets/app-1a2b.js': 'x()',
      'assets/app-1a2b.css': 'a{}',
      'favicon.svg': '<svg/>',
    });
    const read = await readUiFiles(dir);
    if (!read.ok) throw new Error(read.problem);
    expect([...read.files.keys()]).toEqual(['assets/app-1a2b.css', 'assets/app-1a2b.js', 'favicon.svg', 'index.html']);
    expect(read.files.get('index.html')).toMatchObject({ contentType: 'text/html; charset=utf-8', cacheControl: 'no-cache' });
    expect(read.files.get('assets/app-1a2b.js')).toMatchObject({
      contentType: 'text/javascript; charset=utf-8',
      cacheControl: 'public, max-age=31536000, immutable',
    });
    expect(read.files.get('favicon.svg')?.etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
  });

  it('takes no symbolic link, so the build cannot point the gateway at other files', async () => {
    const outside = build({ 'secret.txt': 'not for the web' });
    const dir = build({ 'index.html': '<!doctype html>' });
    symlinkSync(join(outside, 'secret.txt'), join(dir, 'secret.txt'));
    symlinkSync(outside, join(dir, 'assets'));
    const read = await readUiFiles(dir);
    expect(read.ok && [...read.files.keys()]).toEqual(['index.html']);
  });

  it('reports a missing directory and a build without index', async () => {
    expect(await readUiFiles(join(tmpdir(), 'tailgate-no-such-build'))).toEqual({ ok: false, problem: 'missing' });
    expect(await readUiFiles(build({ 'assets/a.js': '' }))).toEqual({ ok: false, problem: 'no-index' });
  });
});
