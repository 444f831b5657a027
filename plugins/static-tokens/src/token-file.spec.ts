import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describeAuthenticator, registerForTest } from '@tailgate/plugin-sdk/testing';
import { describe, expect, it } from 'vitest';

import { staticTokensPlugin } from './plugin';
import { parseTokenFile } from './token-file';

const FILE = ['# demo users', 'alice-token,alice,uid-1,"team-a,viewers"', 'bob-token,bob,uid-2,team-b', '"odd,token",carol,uid-3', ''].join(
  '\n',
);

describe('parseTokenFile', () => {
  it('reads the kube-apiserver token file format, quoted groups and tokens included', () => {
    const result = parseTokenFile(FILE);
    expect(result).toEqual({
      ok: true,
      entries: [
        { token: 'alice-token', subject: { user: 'alice', uid: 'uid-1', groups: ['team-a', 'viewers'] } },
        { token: 'bob-token', subject: { user: 'bob', uid: 'uid-2', groups: ['team-b'] } },
        { token: 'odd,token', subject: { user: 'carol', uid: 'uid-3', groups: [] } },
      ],
    });
  });

  it('names the bad lines without repeating any token', () => {
    const result = parseTokenFile('secret-1,alice\nsecret-2,bob,uid,"unbalanced\nsecret-3,c,u\nsecret-3,d,u\n');
    expect(result).toEqual({
      ok: false,
      problems: ['line 1: expected token,user,uid[,"groups"]', 'line 2: expected token,user,uid[,"groups"]', 'line 4: duplicate token'],
    });
    expect(JSON.stringify(result)).not.toContain('secret');
  });
});

describe('static-tokens plugin', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'tokens-')), 'tokens.csv');
  writeFileSync(file, FILE);

  it('authenticates listed tokens as their subject and refuses others', async () => {
    const { authenticators } = await registerForTest(staticTokensPlugin, { file });
    const [authenticator] = authenticators;
    const ctx = { signal: new AbortController().signal, logger: { debug() {}, info() {}, warn() {}, error() {} } };
    expect(await authenticator?.authenticate({ token: 'bob-token' }, ctx)).toEqual({
      ok: true,
      subject: { user: 'bob', uid: 'uid-2', groups: ['team-b'] },
    });
    expect((await authenticator?.authenticate({ token: 'bob-token ' }, ctx))?.ok).toBe(false);
    expect((await authenticator?.authenticate({ token: 'nobody' }, ctx))?.ok).toBe(false);
  });

  it('fails registration with the file name when the file is missing or malformed', async () => {
    await expect(registerForTest(staticTokensPlugin, { file: '/no/such/tokens.csv' })).rejects.toThrow(
      'token file /no/such/tokens.csv cannot be read (ENOENT)',
    );
    const bad = join(mkdtempSync(join(tmpdir(), 'tokens-')), 'bad.csv');
    writeFileSync(bad, 'only-a-token\n');
    await expect(registerForTest(staticTokensPlugin, { file: bad })).rejects.toThrow(/line 1/);
  });
});

describeAuthenticator('static-tokens', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'tokens-')), 'tokens.csv');
  writeFileSync(file, FILE);
  const { authenticators } = await registerForTest(staticTokensPlugin, { file });
  return { authenticator: authenticators[0]!, valid: { token: 'alice-token', user: 'alice' } };
});
