import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { CliError } from '../cli-error';
import { cliConfigPath, loadCliConfig } from './cli-config';

describe('the config file', () => {
  let home: string;
  const write = (path: string, text: string) => {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
  };
  const defaultPath = () => join(home, '.config', 'tailgate', 'config.yaml');

  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'tailgate-cli-config-'));
  });
  afterEach(() => {
    rmSync(home, { recursive: true, force: true });
  });

  it('is ~/.config/tailgate/config.yaml, or the file TAILGATE_CLI_CONFIG names', () => {
    expect(cliConfigPath({ HOME: home })).toEqual({ path: defaultPath(), explicit: false });
    expect(cliConfigPath({ HOME: home, TAILGATE_CLI_CONFIG: '/etc/t.yaml' })).toEqual({ path: '/etc/t.yaml', explicit: true });
  });

  it('is empty when the default file does not exist', () => {
    expect(loadCliConfig({ HOME: home })).toEqual({ logs: {} });
  });

  it('holds the server, the token and defaults for the logs flags', () => {
    write(
      defaultPath(),
      'server: https://tailgate.example.com\ntoken: file-token\nlogs:\n  namespace: team-a\n  output: raw\n  tail: 50\n  only-log-lines: true\n  include: [error, warn]\n',
    );
    expect(loadCliConfig({ HOME: home })).toEqual({
      server: 'https://tailgate.example.com',
      token: 'file-token',
      logs: { namespace: ['team-a'], output: 'raw', tail: 50, 'only-log-lines': true, include: ['error', 'warn'] },
    });
  });

  it('lets TAILGATE_SERVER and TAILGATE_TOKEN override the file', () => {
    write(defaultPath(), 'server: https://file.example\ntoken: file-token\n');
    expect(loadCliConfig({ HOME: home, TAILGATE_SERVER: 'http://127.0.0.1:1', TAILGATE_TOKEN: 'env-token' })).toMatchObject({
      server: 'http://127.0.0.1:1',
      token: 'env-token',
    });
  });

  it('names the file and the bad keys, never the token', () => {
    write(defaultPath(), 'token: s3cret-value\nlogs:\n  output: yaml\n  nope: 1\n');
    let error: unknown;
    try {
      loadCliConfig({ HOME: home });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CliError);
    const message = (error as CliError).message;
    expect(message).toContain(defaultPath());
    expect(message).toContain('logs.output');
    expect(message).toContain('nope');
    expect(message).not.toContain('s3cret-value');
  });

  it('refuses a file that is not YAML, with its position, and a missing explicit file', () => {
    write(defaultPath(), 'server: [unclosed\n');
    expect(() => loadCliConfig({ HOME: home })).toThrow(/is not valid YAML \(line \d+, column \d+\)/);
    expect(() => loadCliConfig({ HOME: home, TAILGATE_CLI_CONFIG: join(home, 'missing.yaml') })).toThrow('cannot read config file');
  });
});
