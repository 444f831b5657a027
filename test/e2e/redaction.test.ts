// Per-listener redaction on a real gateway, through the real socket.io-client, on the in-process
// bus and on Redis: two listeners with the same access to one stream, one in a group whose
// profile is `strict` (every built-in rule of `redaction.mask`), one without a profile. The first
// never receives a secret in any event — live records, a backlog with tail, a resume after
// reconnecting — (the leak oracle checks every payload for them) while the second gets the lines
// as written; both get the same cursors for the same records.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import { RedactionSettingsSchema } from '@tailgate/config';
import type { WireRecord } from '@tailgate/contracts';
import { CriLogWriter } from '@tailgate/cri-logs/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { createDemoWorld, DEMO_PODS, DEMO_USERS, type DemoWorld } from '../../apps/gateway/src/demo/demo-world';
import { type RunningGateway, startGateway } from '../../apps/gateway/src/start-gateway';
import { LogClient, SEES_EVERYTHING, seesTargets } from './support/log-client';

const source = 'node-file.pods';
const selector = { namespace: 'team-a', pod: 'checkout-api' };
const pod = DEMO_PODS.find((p) => p.name === 'checkout-api')!;

/** Secrets as they appear in the lines, each with the line it is written in and what the strict listener sees instead. */
const SECRETS = {
  jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYXJvbCJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ',
  bearer: '4f1c2e9a8b7d6c5e4f3a2b1c0d9e8f7a',
  awsKeyId: 'AKIAIOSFODNN7EXAMPLE',
  email: 'jane.doe@example.com',
};
const secretLines = (tag: string) => [
  `${tag} login ${SECRETS.email} jwt=${SECRETS.jwt}`,
  `${tag} GET /orders Authorization: Bearer ${SECRETS.bearer}`,
  `${tag} s3 client with ${SECRETS.awsKeyId}`,
  `${tag} plain line`,
];
const maskedLines = (tag: string) => [
  `${tag} login [REDACTED:email] jwt=[REDACTED:jwt]`,
  `${tag} GET /orders Authorization: Bearer [REDACTED:bearer-token]`,
  `${tag} s3 client with [REDACTED:aws-access-key-id]`,
  `${tag} plain line`,
];

describe.each([
  ['in-process bus', () => undefined],
  ['Redis bus', () => inject('redisUrl')],
])('redaction on the %s', (_, redisUrl) => {
  let dir: string;
  let world: DemoWorld;
  let gateway: RunningGateway;
  let writer: CriLogWriter;
  const clients: LogClient[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tailgate-redaction-'));
    const url = redisUrl();
    world = createDemoWorld(dir, {
      port: 0,
      ...(url && { redisUrl: url, redisKeyPrefix: `tailgate-e2e-${randomBytes(4).toString('hex')}:` }),
      nodeFile: { pollIntervalMs: 20, scanIntervalMs: 50 },
      streams: { idleGraceMs: 300 },
      podMetadataReloadMs: 50,
    });
    // Carol is also in `contractors`, the group the strict profile is for.
    const groups: Record<string, string> = { carol: 'team-a,contractors' };
    const lines = DEMO_USERS.map((u, i) => `${world.tokens[u.name]},${u.name},uid-${i + 1},"${groups[u.name] ?? u.groups.join(',')}"`);
    writeFileSync(join(dir, 'tokens.csv'), `${lines.join('\n')}\n`, { mode: 0o600 });
    const config = {
      ...world.config,
      plugins: { ...world.config.plugins, redaction: {} },
      redaction: RedactionSettingsSchema.parse({
        profiles: { strict: [{ transform: 'redaction.mask' }] },
        assign: [{ profile: 'strict', groups: ['contractors'] }],
      }),
    };
    writer = new CriLogWriter(world.podsRoot, { namespace: pod.namespace, pod: pod.name, container: pod.container });
    await writer.write('before anyone listened');
    // The gateway's log is not looked at here.
    const logDestination = new Writable({ write: (_chunk, _encoding, done) => done() });
    gateway = await startGateway({ config, logDestination });
  });

  afterAll(async () => {
    try {
      for (const client of clients.splice(0)) client.close();
    } finally {
      await gateway?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  async function connect(user: 'alice' | 'carol'): Promise<LogClient> {
    // Carol's every event is checked for each secret, wherever in the payload it would be.
    const sees =
      user === 'carol'
        ? seesTargets(
            () => true,
            () => Object.values(SECRETS),
          )
        : SEES_EVERYTHING;
    const client = await LogClient.connect(gateway.url, { token: world.tokens[user], sees });
    clients.push(client);
    return client;
  }

  const linesOf = (records: readonly WireRecord[], tag: string) => records.filter((r) => r.line.startsWith(tag)).map((r) => r.line);
  const cursorsOf = (records: readonly WireRecord[], tag: string) => records.filter((r) => r.line.startsWith(tag)).map((r) => r.cursor);

  it('masks live records for the listener with the strict profile only, with the same cursors for both', async () => {
    const [alice, carol] = [await connect('alice'), await connect('carol')];
    for (const client of [alice, carol]) {
      expect((await client.subscribe({ source, selector })).ok).toBe(true);
      await client.waitFor(() => client.targets.length === 1, 'the target');
    }
    await writer.writeMany(secretLines('live'));
    await alice.waitFor(() => linesOf(alice.records, 'live').length === 4, 'alice: live lines');
    await carol.waitFor(() => linesOf(carol.records, 'live').length === 4, 'carol: live lines');
    expect(linesOf(alice.records, 'live')).toEqual(secretLines('live'));
    expect(linesOf(carol.records, 'live')).toEqual(maskedLines('live'));
    expect(cursorsOf(carol.records, 'live')).toEqual(cursorsOf(alice.records, 'live'));
    alice.close();
    carol.close();
  });

  it('masks a backlog with tail, then the live records after it', async () => {
    await writer.writeMany(secretLines('tail'));
    const [alice, carol] = [await connect('alice'), await connect('carol')];
    for (const client of [alice, carol]) {
      expect((await client.subscribe({ source, selector, tail: 4 })).ok).toBe(true);
      await client.waitFor(() => linesOf(client.records, 'tail').length === 4, 'the tail');
    }
    await writer.writeMany(secretLines('after'));
    for (const client of [alice, carol]) await client.waitFor(() => linesOf(client.records, 'after').length === 4, 'the live lines');
    expect(linesOf(alice.records, 'tail')).toEqual(secretLines('tail'));
    expect(linesOf(carol.records, 'tail')).toEqual(maskedLines('tail'));
    expect(linesOf(carol.records, 'after')).toEqual(maskedLines('after'));
    expect(carol.records.map((r) => r.cursor)).toEqual(alice.records.map((r) => r.cursor));
    alice.close();
    carol.close();
  });

  it('masks what a listener missed when it resumes after reconnecting', async () => {
    const lastCursor = async (user: 'alice' | 'carol', tag: string) => {
      const client = await connect(user);
      expect((await client.subscribe({ source, selector })).ok).toBe(true);
      await client.waitFor(() => client.targets.length === 1, 'the target');
      await writer.write(`${tag} ${user}`);
      await client.waitFor(() => client.lines().some((l) => l === `${tag} ${user}`), 'the mark');
      client.close();
      return client.records.at(-1)!.cursor;
    };
    const aliceCursor = await lastCursor('alice', 'mark');
    const carolCursor = await lastCursor('carol', 'mark');
    await writer.writeMany(secretLines('missed'));
    const back = { alice: await connect('alice'), carol: await connect('carol') };
    expect((await back.alice.subscribe({ source, selector, resume: aliceCursor, follow: false })).ok).toBe(true);
    expect((await back.carol.subscribe({ source, selector, resume: carolCursor, follow: false })).ok).toBe(true);
    for (const client of Object.values(back)) await client.waitFor(() => client.ended.length === 1, 'the end of the resume');
    expect(linesOf(back.alice.records, 'missed')).toEqual(secretLines('missed'));
    expect(linesOf(back.carol.records, 'missed')).toEqual(maskedLines('missed'));
    expect(cursorsOf(back.carol.records, 'missed')).toEqual(cursorsOf(back.alice.records, 'missed'));
  });
});
