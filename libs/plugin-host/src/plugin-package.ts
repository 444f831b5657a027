// Finds and loads the npm package a third-party plugin's `use:` names. Resolution runs in order
// from each root as Node would for a module in that directory (its node_modules, then its
// parents'): the plugin directory first, so an image or a mounted volume can add or upgrade a
// plugin without rebuilding the gateway, then the app's own node_modules. `use:` is a package name
// and never a path or a Node.js built-in, so configuration cannot make the host run an arbitrary file.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { dirname, isAbsolute, join, sep } from 'node:path';

// npm's rules for new package names: lowercase, an optional `@scope/`, no leading `.` or `_`, at most 214 characters.
const NPM_PACKAGE_NAME = /^(?:@[a-z0-9~-][a-z0-9._~-]*\/)?[a-z0-9~-][a-z0-9._~-]*$/;

export function isNpmPackageName(name: string): boolean {
  return name.length <= 214 && NPM_PACKAGE_NAME.test(name);
}

export interface PackageRoot {
  /** Where resolution starts, as if a module in this directory required the package. */
  readonly directory: string;
  /** How a problem names it: `the plugin directory /opt/tailgate/plugins`. */
  readonly label: string;
  /**
   * Also the node_modules of the directory's ancestors, as Node resolves the app's own modules
   * (the app's root); otherwise only `<directory>/node_modules` (the plugin directory).
   */
  readonly ancestors?: boolean;
}

export interface PluginPackage {
  readonly name: string;
  /** From the package's package.json. */
  readonly version: string;
  /** What its entry point exports. */
  readonly exports: unknown;
}

export type PluginPackageLoad = { readonly ok: true; readonly package: PluginPackage } | { readonly ok: false; readonly problem: string };

/** Resolves `name` from the first root that has it and loads it (CommonJS, or ES modules through require). */
export function loadPluginPackage(name: string, roots: readonly PackageRoot[]): PluginPackageLoad {
  if (!isNpmPackageName(name) || isBuiltin(name)) {
    return { ok: false, problem: `${JSON.stringify(name)} is not an npm package name (a path or a built-in module is never loaded)` };
  }
  for (const root of roots) {
    // Node's own search would go on to parent folders, NODE_PATH and the global folders, which the
    // operator did not name: the package must be in one of the root's own node_modules folders.
    const owner = packageOwner(root, name);
    if (owner === undefined) continue;
    const home = join(owner, 'node_modules', name);
    const requireFromRoot = createRequire(join(owner, 'package.json'));
    let entry: string;
    try {
      entry = requireFromRoot.resolve(name);
    } catch (error) {
      if (errorCode(error) === 'MODULE_NOT_FOUND') continue;
      return { ok: false, problem: `package ${name} in ${root.label} has no entry point to require (${errorCode(error) ?? 'error'})` };
    }
    if (!isAbsolute(entry) || !isInside(entry, home)) {
      return { ok: false, problem: `package ${name} in ${root.label} has an entry point outside its own folder` };
    }
    const version = packageVersion(name, entry);
    if (version === undefined) return { ok: false, problem: `package ${name} in ${root.label} has no package.json with its version` };
    try {
      return { ok: true, package: { name, version, exports: requireFromRoot(entry) as unknown } };
    } catch (error) {
      // The code or class only: a module's error text is not ours to print.
      return { ok: false, problem: `package ${name} failed to load (${errorCode(error) ?? errorClass(error)})` };
    }
  }
  return { ok: false, problem: `package ${name} is not installed (looked in ${roots.map((root) => root.label).join(', then ')})` };
}

/** The directory whose node_modules holds `name`: the root's own, or (for the app) its nearest ancestor's. */
function packageOwner(root: PackageRoot, name: string): string | undefined {
  for (let dir = root.directory; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules', name, 'package.json'))) return dir;
    if (root.ancestors !== true || dir === dirname(dir)) return undefined;
  }
}

/** Whether `file` is inside `folder`, both with symlinks resolved (workspaces link packages in). */
function isInside(file: string, folder: string): boolean {
  const real = realpathSync(folder);
  return realpathSync(file).startsWith(real + sep);
}

/** The version in the package.json of `name` that holds `entry`: the nearest one up from it with that name. */
function packageVersion(name: string, entry: string): string | undefined {
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = readManifest(join(dir, 'package.json'));
    if (manifest?.name === name) return typeof manifest.version === 'string' ? manifest.version : undefined;
  }
  return undefined;
}

function readManifest(path: string): { name?: unknown; version?: unknown } | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown; version?: unknown };
  } catch {
    return undefined;
  }
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function errorClass(error: unknown): string {
  return error instanceof Error ? error.name : 'error';
}
