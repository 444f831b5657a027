import type { SelfUser } from '@tailgate/kube';
import { type Authenticator, silentLogger } from '@tailgate/plugin-sdk';
import { describe, expect, it } from 'vitest';

import { LocalTokenAuthenticator, NOT_LOCAL_TOKEN } from './local-token-authenticator';
import { SelfIdentity } from './self-identity';

const TOKEN = 'local-token-0123456789abcdef0123456789';
const dave: SelfUser = { username: 'dave', uid: 'u-1', groups: ['system:authenticated'] };
const ctx = { signal: new AbortController().signal, logger: silentLogger };

function countingSelf(answers: (() => Promise<SelfUser>)[]) {
  const self = { reviews: 0, selfSubjectReview: () => (answers[self.reviews++] ?? (() => Promise.resolve(dave)))() };
  return self;
}

describe('SelfIdentity', () => {
  it('asks once, shares the answer with concurrent and later callers', async () => {
    const self = countingSelf([]);
    const identity = new SelfIdentity(self);
    const subjects = await Promise.all([identity.subject(), identity.subject()]);
    expect(await identity.subject()).toEqual({ user: 'dave', uid: 'u-1', groups: ['system:authenticated'] });
    expect(subjects[0]).toEqual(subjects[1]);
    expect(self.reviews).toBe(1);
  });

  it('does not keep a failure: the next use asks again', async () => {
    const self = countingSelf([() => Promise.reject(new Error('unreachable'))]);
    const identity = new SelfIdentity(self);
    await expect(identity.subject()).rejects.toThrow('unreachable');
    expect((await identity.subject()).user).toBe('dave');
    expect(self.reviews).toBe(2);
  });
});

describe('LocalTokenAuthenticator', () => {
  it('maps exactly the configured token to the kubeconfig user', async () => {
    const authenticator: Authenticator = new LocalTokenAuthenticator(TOKEN, new SelfIdentity(countingSelf([])));
    expect(await authenticator.authenticate({ token: TOKEN }, ctx)).toEqual({
      ok: true,
      subject: { user: 'dave', uid: 'u-1', groups: ['system:authenticated'] },
    });
  });

  it('refuses any other token without asking the apiserver', async () => {
    const self = countingSelf([]);
    const authenticator: Authenticator = new LocalTokenAuthenticator(TOKEN, new SelfIdentity(self));
    for (const token of ['', ` ${TOKEN}`, TOKEN.toUpperCase(), TOKEN.slice(0, -1)]) {
      expect(await authenticator.authenticate({ token }, ctx)).toEqual({ ok: false, reason: NOT_LOCAL_TOKEN });
    }
    expect(self.reviews).toBe(0);
  });
});
