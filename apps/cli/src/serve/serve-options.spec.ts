import { describe, expect, it } from 'vitest';

import { CliError } from '../cli-error';
import { EXIT_CODES } from '../exit-codes';
import { DEMO_PORT, parseServeOptions } from './serve-options';

function usageError(run: () => unknown): CliError {
  try {
    run();
  } catch (error) {
    if (error instanceof CliError && error.exitCode === EXIT_CODES.usage) return error;
    throw error;
  }
  throw new Error('expected a usage error');
}

describe('parseServeOptions', () => {
  it('defaults to desktop mode on 127.0.0.1 and a free port', () => {
    expect(parseServeOptions({})).toEqual({ mode: 'desktop', host: '127.0.0.1', port: 0 });
  });

  it('takes the kubeconfig and context from the flags, else from the CLI config file', () => {
    const fromFile = { kubeconfig: '/cfg/kube', context: 'work' };
    expect(parseServeOptions({}, fromFile)).toMatchObject({ kubeconfig: '/cfg/kube', context: 'work' });
    expect(parseServeOptions({ kubeconfig: '/flag/kube', context: 'dev' }, fromFile)).toMatchObject({
      kubeconfig: '/flag/kube',
      context: 'dev',
    });
  });

  it('parses the port and refuses one out of range', () => {
    expect(parseServeOptions({ port: '9000' }).port).toBe(9000);
    expect(usageError(() => parseServeOptions({ port: '70000' })).message).toContain('--port');
    expect(usageError(() => parseServeOptions({ port: 'http' })).message).toContain('--port');
  });

  it('refuses an address other machines can reach unless --allow-remote is given', () => {
    expect(usageError(() => parseServeOptions({ host: '0.0.0.0' })).message).toContain('--allow-remote');
    expect(usageError(() => parseServeOptions({ host: '192.168.1.5' })).message).toContain('--allow-remote');
    expect(parseServeOptions({ host: '0.0.0.0', allowRemote: true }).host).toBe('0.0.0.0');
    expect(parseServeOptions({ host: 'localhost' }).host).toBe('localhost');
    expect(parseServeOptions({ host: '::1' }).host).toBe('::1');
    expect(parseServeOptions({ host: '127.0.0.2' }).host).toBe('127.0.0.2');
  });

  it('runs the demo on the README’s port unless told otherwise, and with no cluster flags', () => {
    expect(parseServeOptions({ demo: true }, { kubeconfig: '/cfg/kube' })).toEqual({ mode: 'demo', host: '127.0.0.1', port: DEMO_PORT });
    expect(parseServeOptions({ demo: true, port: '0' }).port).toBe(0);
    expect(usageError(() => parseServeOptions({ demo: true, kubeconfig: '/k' })).message).toContain('--demo');
  });
});
