import { describe, expect, it } from 'vitest';

import type { CliConfig } from '../config/cli-config';
import { connectionTarget } from './open-connection';

const config = (values: Partial<CliConfig> = {}): CliConfig => ({ logs: {}, ...values });

describe('which gateway a command uses', () => {
  it('uses --server and --token over the config file', () => {
    expect(connectionTarget({ server: 'http://a:1', token: 't1' }, config({ server: 'http://b:2', token: 't2' }))).toEqual({
      mode: 'remote',
      url: 'http://a:1',
      token: 't1',
    });
    expect(connectionTarget({}, config({ server: 'http://b:2', token: 't2' }))).toEqual({ mode: 'remote', url: 'http://b:2', token: 't2' });
  });

  it('starts desktop mode for --kubeconfig/--context, even when the config file names a server', () => {
    expect(connectionTarget({ context: 'kind' }, config({ server: 'http://b:2' }))).toEqual({ mode: 'desktop', context: 'kind' });
  });

  it("starts desktop mode from the config file's kubeconfig when there is no server, and by default", () => {
    expect(connectionTarget({}, config({ kubeconfig: '/k', context: 'c' }))).toEqual({ mode: 'desktop', kubeconfig: '/k', context: 'c' });
    expect(connectionTarget({}, config())).toEqual({ mode: 'desktop' });
  });

  it('refuses --server with desktop flags, and a server that is not an http(s) URL', () => {
    expect(() => connectionTarget({ server: 'http://a:1', kubeconfig: '/k' }, config())).toThrow('--server cannot be combined');
    expect(() => connectionTarget({ server: 'ftp://a' }, config())).toThrow('--server must be an http(s) URL');
    expect(() => connectionTarget({ server: 'not a url' }, config())).toThrow('--server is not a URL');
  });
});
