// Maps a request path to what the web UI serves, without touching the file system: the files are
// a fixed set read at start (web-ui-files.ts), so a path can only ever name one of them. Anything
// that looks like an escape — `.` or `..` segments (plain or percent-encoded), backslashes, NUL,
// encoded slashes, bad percent-encoding — is refused outright, never normalised into something else.
import { ROOT_PATHS } from './root-paths';

export type UiPath =
  /** Not under the base path, or a path the API, Socket.IO or a plugin answers. */
  | { readonly kind: 'pass' }
  /** `<basePath>` without its slash: the UI is at `<basePath>/`. */
  | { readonly kind: 'redirect'; readonly location: string }
  /** A file of the build, by its path relative to the build's root (`index.html`, `assets/app-1a2b.js`). */
  | { readonly kind: 'file'; readonly file: string }
  /** The index: `<basePath>/`, or a deep link (a path that names no file and does not look like one). */
  | { readonly kind: 'index' }
  | { readonly kind: 'not-found' };

/** Paths under the base path that are someone else's. */
const OTHERS = ['api', 'socket.io', 'plugins', 'audit'];

export function resolveUiPath(basePath: string, url: string, files: ReadonlySet<string>): UiPath {
  const path = url.split('?', 1)[0] ?? '';
  const root = basePath === '/' ? '' : basePath;
  if (root !== '' && path === root) return { kind: 'redirect', location: `${root}/${url.slice(path.length)}` };
  if (!path.startsWith(`${root}/`)) return { kind: 'pass' };
  const rest = path.slice(root.length + 1);
  const first = rest.split('/', 1)[0] ?? '';
  if (OTHERS.includes(first)) return { kind: 'pass' };
  if (root === '' && (ROOT_PATHS as readonly string[]).includes(rest)) return { kind: 'pass' };
  if (rest === '') return { kind: 'index' };
  const segments = decodeSegments(rest);
  if (segments === undefined) return { kind: 'not-found' };
  const file = segments.join('/');
  if (files.has(file)) return { kind: 'file', file };
  // The index of a deep link (`<basePath>/team-a/web`) loads `./assets/…` relative to it (the build
  // has relative URLs, to work under any base path): the build's assets answer at any depth.
  const assets = segments.indexOf('assets');
  const asset = assets > 0 ? segments.slice(assets).join('/') : undefined;
  if (asset !== undefined && files.has(asset)) return { kind: 'file', file: asset };
  // A missing asset must not turn into the index (a script tag would get HTML).
  return looksLikeFile(segments) ? { kind: 'not-found' } : { kind: 'index' };
}

/** The decoded segments, or undefined for anything that could step outside the build or hide a separator. */
function decodeSegments(rest: string): string[] | undefined {
  const segments: string[] = [];
  const raws = rest.split('/');
  // A trailing slash is a deep link's; an empty segment anywhere else (`//etc/passwd`) is refused.
  if (raws.at(-1) === '') raws.pop();
  for (const raw of raws) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    if (segment === '' || segment === '.' || segment === '..') return undefined;
    if (/[/\\\0]/.test(segment) || segment.includes(':')) return undefined;
    segments.push(segment);
  }
  return segments;
}

function looksLikeFile(segments: readonly string[]): boolean {
  return segments[0] === 'assets' || (segments.at(-1) ?? '').includes('.');
}
