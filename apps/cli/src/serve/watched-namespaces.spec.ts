import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { CliError } from '../cli-error';
import { EXIT_CODES } from '../exit-codes';
import { startDesktopGateway } from './desktop-gateway';
import { watchedNamespaces } from './watched-namespaces';

/** A kubeconfig whose cluster refuses every connection (nothing listens on port 1). */
function unreachableKubeconfig(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'tailgate-watched-')), 'config');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:1' } }],
    users: [{ name: 'u', user: { token: 'not-a-real-token' } }],
    contexts: [{ name: 'x', context: { cluster: 'c', user: 'u', namespace: 'team-a' } }],
    'current-context': 'x',
  };
  writeFileSync(file, JSON.stringify(config), { mode: 0o600 });
  return file;
}

describe('watchedNamespaces', () => {
  it('fails with the connection code when the cluster cannot be asked, without its error text', async () => {
    const connection = { mode: 'kubeconfig' as const, path: unreachableKubeconfig() };
    const error = await watchedNamespaces({ connection, requestTimeoutMs: 5_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(EXIT_CODES.connectionFailed);
    expect((error as CliError).message).not.toContain('not-a-real-token');
  });
});

describe('startDesktopGateway', () => {
  it('says where it looked when there is no kubeconfig', async () => {
    await expect(startDesktopGateway({ kubeconfig: '/nonexistent/kubeconfig' })).rejects.toThrow(
      new CliError('no kubeconfig at /nonexistent/kubeconfig (give --kubeconfig or set KUBECONFIG)'),
    );
  });
});
