// The web UI's build (apps/web/dist), read into memory once at start: a few hundred KiB of
// hashed assets and an index. Serving from this fixed set means a request can only ever name
// one of these files — no path reaches the file system. Only regular files are taken (no
// symbolic links), within bounds, so a wrong directory cannot make the gateway read a disk.
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';

export interface UiFile {
  readonly body: Buffer;
  readonly contentType: string;
  readonly etag: string;
  readonly cacheControl: string;
}

export type UiFiles = ReadonlyMap<string, UiFile>;

export type UiFilesResult =
  { readonly ok: true; readonly files: UiFiles } | { readonly ok: false; readonly problem: 'missing' | 'no-index' | 'too-large' };

const MAX_FILES = 2_000;
const MAX_BYTES = 64 * 1024 * 1024;
/** Hashed file names never change content: a year, never revalidated. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** The index and unhashed files: always revalidated (cheap with the ETag), so a new build is seen at once. */
const REVALIDATE = 'no-cache';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export async function readUiFiles(root: string): Promise<UiFilesResult> {
  const found = await listFiles(root);
  if (found === undefined) return { ok: false, problem: 'missing' };
  if (found === 'too-large') return { ok: false, problem: 'too-large' };
  if (!found.includes('index.html')) return { ok: false, problem: 'no-index' };
  const files = new Map<string, UiFile>();
  let bytes = 0;
  for (const file of found) {
    const body = await readFile(join(root, ...file.split('/')));
    bytes += body.length;
    if (bytes > MAX_BYTES) return { ok: false, problem: 'too-large' };
    files.set(file, describe(file, body));
  }
  return { ok: true, files };
}

function describe(file: string, body: Buffer): UiFile {
  return {
    body,
    contentType: CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
    cacheControl: file.startsWith('assets/') ? IMMUTABLE : REVALIDATE,
  };
}

/** Regular files under `root` as `/`-separated relative paths; undefined when `root` is not a directory. */
async function listFiles(root: string): Promise<string[] | 'too-large' | undefined> {
  const rootStat = await lstat(root).catch(() => undefined);
  if (!rootStat?.isDirectory()) return undefined;
  const files: string[] = [];
  const pending = [''];
  for (let dir = pending.pop(); dir !== undefined; dir = pending.pop()) {
    for (const entry of await readdir(join(root, dir), { withFileTypes: true })) {
      const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory()) pending.push(path);
      else if (entry.isFile()) files.push(path);
      if (files.length > MAX_FILES) return 'too-large';
    }
  }
  return files.sort();
}
