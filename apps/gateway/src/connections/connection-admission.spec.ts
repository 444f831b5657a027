import type { AuditConnection } from '@tailgate/audit';
import { ConnectionsConfigSchema } from '@tailgate/config';
import type { AuthenticationResult } from '@tailgate/plugin-sdk';
import { describe, expect, it } from 'vitest';

import type { AuthenticationFailureDetail } from '../audit/gateway-audit';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { type Admission, type ConnectionAttempt, ConnectionAdmission } from './connection-admission';

const GOOD = 'good-token-for-alice';

function setup(limits: Record<string, unknown> = {}) {
  const asked: (string | undefined)[] = [];
  const lines: string[] = [];
  const log = (level: string) => (fields: object, message?: string) => lines.push(`${level} ${message ?? ''} ${JSON.stringify(fields)}`);
  const authentication = {
    authenticators: ['t.tokens', 't.review'],
    authenticate: (token: string | undefined): Promise<AuthenticationResult> => {
      asked.push(token);
      return Promise.resolve(token === GOOD ? { ok: true, subject: { user: 'alice', groups: [] } } : { ok: false, reason: 'rejected' });
    },
  };
  const metrics = new GatewayMetrics();
  const audited: { connection: AuditConnection; detail: AuthenticationFailureDetail }[] = [];
  const audit = {
    authenticationFailed: (connection: AuditConnection, detail: AuthenticationFailureDetail) => {
      audited.push({ connection, detail });
      return `audit-${audited.length}`;
    },
  };
  const admission = new ConnectionAdmission(
    authentication,
    ConnectionsConfigSchema.parse(limits),
    metrics,
    audit,
    { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    () => 0,
  );
  const refusals = async (reason: string) =>
    (await metrics.connectionRefusals.get()).values.find((v) => v.labels.reason === reason)?.value ?? 0;
  return { admission, asked, lines, refusals, audited };
}

const attempt = (auth: unknown, peer = '10.0.0.1', headers = {}): ConnectionAttempt => ({ peer, headers, auth, connectionId: 'conn-1' });
const codeOf = (admission: Admission) => (admission.ok ? 'ok' : admission.error.code);

describe('ConnectionAdmission', () => {
  it('admits a valid token and gives its subject', async () => {
    const { admission } = setup();
    const admitted = await admission.admit(attempt({ token: GOOD, protocol: 1 }));
    expect(admitted).toMatchObject({ ok: true, subject: { user: 'alice' }, token: GOOD });
  });

  it('refuses an address beyond its burst with rate_limited, before asking any authenticator', async () => {
    const { admission, asked, refusals, lines } = setup({ perAddressBurst: 3, perAddressPerMinute: 1 });
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push(codeOf(await admission.admit(attempt({ token: GOOD }))));
    expect(codes).toEqual(['ok', 'ok', 'ok', 'rate_limited', 'rate_limited']);
    expect(asked).toHaveLength(3);
    expect(codeOf(await admission.admit(attempt({ token: GOOD }, '10.0.0.2')))).toBe('ok');
    expect(await refusals('address_rate')).toBe(2);
    expect(lines.filter((l) => l.startsWith('warn'))).toHaveLength(1);
  });

  it('refuses an unsupported protocol version with invalid_request, without asking any authenticator', async () => {
    const { admission, asked, refusals } = setup();
    expect(await admission.admit(attempt({ token: GOOD, protocol: 2 }))).toEqual({
      ok: false,
      error: { code: 'invalid_request', message: 'unsupported protocol version; this server speaks 1' },
    });
    expect(asked).toEqual([]);
    expect(await refusals('handshake')).toBe(1);
  });

  it('stops asking the authenticators about a token that keeps failing, and only that token', async () => {
    const { admission, asked, refusals } = setup({ failuresPerCredentialBurst: 2, failuresPerCredentialPerMinute: 1 });
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push(codeOf(await admission.admit(attempt({ token: 'wrong' }))));
    expect(codes).toEqual(['unauthenticated', 'unauthenticated', 'rate_limited', 'rate_limited']);
    expect(asked).toEqual(['wrong', 'wrong']);
    expect(codeOf(await admission.admit(attempt({ token: 'also-wrong' })))).toBe('unauthenticated');
    expect(codeOf(await admission.admit(attempt({ token: GOOD })))).toBe('ok');
    expect(await refusals('credential_rate')).toBe(2);
  });

  it('caps the open connections of a user, and gives a slot back once on release', async () => {
    const { admission, refusals } = setup({ maxPerUser: 2 });
    const first = await admission.admit(attempt({ token: GOOD }));
    expect(codeOf(await admission.admit(attempt({ token: GOOD })))).toBe('ok');
    expect(await admission.admit(attempt({ token: GOOD }))).toEqual({
      ok: false,
      error: { code: 'rate_limited', message: 'too many open connections for this user; close one first' },
    });
    if (!first.ok) throw new Error('first connection refused');
    first.release();
    first.release();
    expect(codeOf(await admission.admit(attempt({ token: GOOD })))).toBe('ok');
    expect(codeOf(await admission.admit(attempt({ token: GOOD })))).toBe('rate_limited');
    expect(await refusals('user_connections')).toBe(2);
  });

  it('logs every refusal with the address and never the token', async () => {
    const { admission, lines } = setup({ failuresPerCredentialBurst: 1 });
    await admission.admit(attempt({ token: 'secret-wrong-token' }));
    await admission.admit(attempt({ token: 'secret-wrong-token' }));
    await admission.admit(attempt({ token: 'secret-wrong-token', protocol: 9 }));
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      expect(line).toContain('10.0.0.1');
      expect(line).not.toContain('secret');
    }
  });

  it('records a failed authentication in the audit trail, with where it came from and never the token', async () => {
    const { admission, audited, lines } = setup();
    await admission.admit(attempt({ token: 'secret-wrong-token' }, '::ffff:10.0.0.7', { 'user-agent': 'tailgate-cli/1' }));
    await admission.admit(attempt({}));
    expect(audited).toEqual([
      {
        connection: { sourceIPs: ['10.0.0.7'], userAgent: 'tailgate-cli/1', connectionId: 'conn-1' },
        detail: { tokenOffered: true, reason: 'rejected', authenticator: 't.tokens,t.review' },
      },
      {
        connection: { sourceIPs: ['10.0.0.1'], connectionId: 'conn-1' },
        detail: { tokenOffered: false, reason: 'rejected', authenticator: undefined },
      },
    ]);
    expect(lines.filter((line) => line.includes('authentication failed'))).toEqual([
      expect.stringContaining('"auditID":"audit-1"'),
      expect.stringContaining('"auditID":"audit-2"'),
    ]);
    expect(JSON.stringify(audited)).not.toContain('secret');
  });
});
