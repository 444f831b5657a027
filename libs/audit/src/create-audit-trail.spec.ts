import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { MemoryAuditMetrics } from './audit-metrics';
import { AuditSettingsSchema } from './audit-settings';
import { NO_AUDIT } from './audit-trail';
import { AuditSettingsError, createAuditTrail } from './create-audit-trail';
import { AuditPolicyError } from './parse-audit-policy';
import { sampleDrafts } from './testing/audit-samples';

describe('AuditSettingsSchema', () => {
  it('is off by default, with every default stated', () => {
    expect(AuditSettingsSchema.parse(undefined)).toEqual({
      enabled: false,
      stdout: false,
      queue: { maxBacklog: 10_000, maxBatchEvents: 100, maxBatchWaitMs: 1_000, closeTimeoutMs: 10_000 },
      query: { groups: [], maxEvents: 10_000, maxAgeMs: 86_400_000 },
    });
    expect(AuditSettingsSchema.parse({ file: { path: '/var/log/tailgate/audit.log' } }).file).toEqual({
      path: '/var/log/tailgate/audit.log',
      maxBytes: 104_857_600,
      maxBackups: 5,
    });
  });

  it('refuses a webhook that is not http(s) and options it does not know', () => {
    expect(AuditSettingsSchema.safeParse({ webhook: { url: 'ftp://x/' } }).success).toBe(false);
    expect(AuditSettingsSchema.safeParse({ webhook: { url: 'https://siem.example/audit', token: 'x' } }).success).toBe(false);
  });

  it('has a description on every option (the README table is generated from them)', () => {
    const json = JSON.stringify(AuditSettingsSchema.toJSONSchema({ io: 'input' }));
    for (const key of [
      'enabled',
      'policyFile',
      'stdout',
      'path',
      'maxBytes',
      'maxBackups',
      'url',
      'bearerTokenFile',
      'caFile',
      'maxAttempts',
      'maxBacklog',
    ]) {
      expect(json).toMatch(new RegExp(`"${key}":\\{[^}]*"description"`));
    }
  });
});

describe('createAuditTrail', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tailgate-audit-trail-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('records nothing when auditing is off', async () => {
    expect(await createAuditTrail(AuditSettingsSchema.parse({}))).toBe(NO_AUDIT);
  });

  it('writes to the file and stdout at Metadata when no policy file is given, and flushes on close', async () => {
    const path = join(dir, 'audit.log');
    const stdout = new PassThrough();
    const out: Buffer[] = [];
    stdout.on('data', (chunk: Buffer) => out.push(chunk));
    const metrics = new MemoryAuditMetrics();
    const trail = await createAuditTrail(AuditSettingsSchema.parse({ enabled: true, stdout: true, file: { path } }), { stdout, metrics });
    const drafts = sampleDrafts();
    for (const draft of drafts) expect(trail.record(draft)?.level).toBe('Metadata');
    await trail.close();
    expect((await readFile(path, 'utf8')).trimEnd().split('\n')).toHaveLength(drafts.length);
    expect(Buffer.concat(out).toString().trimEnd().split('\n')).toHaveLength(drafts.length);
    expect(metrics.count('file', 'delivered')).toBe(drafts.length);
    expect(metrics.count('stdout', 'delivered')).toBe(drafts.length);
  });

  it('applies the policy file, and refuses a broken one naming the file', async () => {
    const policyFile = join(dir, 'policy.yaml');
    await writeFile(policyFile, 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: None\n');
    const trail = await createAuditTrail(AuditSettingsSchema.parse({ enabled: true, policyFile, stdout: true }), {
      stdout: new PassThrough(),
    });
    expect(trail.record(sampleDrafts()[1]!)).toBeUndefined();
    await trail.close();
    await writeFile(policyFile, 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: Everything\n');
    const broken = createAuditTrail(AuditSettingsSchema.parse({ enabled: true, policyFile, stdout: true }));
    await expect(broken).rejects.toThrow(AuditPolicyError);
    await expect(broken).rejects.toThrow(`${policyFile}: rules[0].level`);
  });

  it('refuses to run enabled without a sink, or with a token file it cannot read', async () => {
    await expect(createAuditTrail(AuditSettingsSchema.parse({ enabled: true }))).rejects.toThrow(AuditSettingsError);
    const missing = join(dir, 'missing-token');
    const settings = AuditSettingsSchema.parse({ enabled: true, webhook: { url: 'https://siem.example/audit', bearerTokenFile: missing } });
    await expect(createAuditTrail(settings)).rejects.toThrow(`audit.webhook.bearerTokenFile: cannot read ${missing} (ENOENT)`);
  });
});
