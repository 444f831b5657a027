// Builds the web UI (apps/web) once per browser run, exactly as `npm run build -w @tailgate/web`
// does but into a temp directory, and hands it to every test file as `inject('webUiDir')`: the
// suites test the sources as they are now, never a stale apps/web/dist, and pay for one build.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import type { TestProject } from 'vitest/node' with { 'resolution-mode': 'import' };

const REPO_ROOT = join(__dirname, '..', '..');

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'tailgate-web-ui-build-'));
  const outDir = join(dir, 'dist');
  const vite = join(REPO_ROOT, 'node_modules/vite/bin/vite.js');
  await promisify(execFile)(process.execPath, [vite, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'], {
    cwd: join(REPO_ROOT, 'apps/web'),
  });
  project.provide('webUiDir', outDir);
  return () => rmSync(dir, { recursive: true, force: true });
}
