// Tailgate's audit output against kube-apiserver's own audit.k8s.io/v1 types: the Go program in
// test/audit-conformance decodes what our sinks write with the apiserver's scheme and a strict
// decoder (an unknown or duplicated field fails), and re-encodes it with the encoder of the
// apiserver's log backend. Every kind of event must decode and come back unchanged; so must the
// webhook's EventList body; and audit policies must be accepted and refused alike.
// In the cluster project because that is where the Go toolchain is guaranteed (setup --cluster).
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import {
  AuditPolicyError,
  auditEventLine,
  auditEventList,
  finalizeAuditEvent,
  JsonLinesFileSink,
  parseAuditPolicy,
  type AuditEvent,
  WebhookAuditSink,
} from '@tailgate/audit';
import { sampleDrafts, sampleEvents } from '@tailgate/audit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const never = new AbortController().signal;
const LEVELS = ['Metadata', 'Request', 'RequestResponse'] as const;

/** Builds (or finds in ~/.cache/tailgate) the checker; resolves to its path. */
function buildChecker(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(__dirname, '../audit-conformance/build.sh')], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const path = out.trim().split('\n').at(-1);
      if (code === 0 && path !== undefined && path !== '') resolve(path);
      else reject(new Error(`test/audit-conformance/build.sh exited with ${code}`));
    });
  });
}

/** The checker's re-encoded objects, one per line; rejects with its stderr when it refuses. */
async function check(checker: string, mode: 'events' | 'list' | 'policy', file: string): Promise<unknown[]> {
  try {
    const { stdout } = await run(checker, [mode, file], { maxBuffer: 64 * 1024 * 1024 });
    return stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
  } catch (error) {
    throw new Error(`apiserver decoding refused ${mode} ${file}: ${(error as { stderr?: string }).stderr ?? String(error)}`);
  }
}

/** Every draft at every level, plus one carrying a response object (only RequestResponse keeps it). */
function everyEvent(): AuditEvent[] {
  const drafts = sampleDrafts();
  const withResponse = { ...drafts[2]!, responseObject: { kind: 'Status', apiVersion: 'v1', metadata: {}, code: 200 } };
  return LEVELS.flatMap((level) => [...drafts, withResponse].map((draft) => finalizeAuditEvent(draft, level)));
}

/** What JSON makes of our objects (drops nothing of ours: builders never write undefined). */
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;

describe('audit events against the apiserver audit.k8s.io/v1 types', () => {
  let checker: string;
  let dir: string;
  let receiver: Server | undefined;

  beforeAll(async () => {
    [checker, dir] = await Promise.all([buildChecker(), mkdtemp(join(tmpdir(), 'tailgate-audit-conf-'))]);
  });

  afterAll(async () => {
    receiver?.closeAllConnections();
    await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  it('decodes every kind of event the file sink writes, strictly, and re-encodes each unchanged', async () => {
    const events = everyEvent();
    const file = join(dir, 'audit.log');
    const sink = new JsonLinesFileSink({ path: file });
    await sink.deliver(events, never);
    await sink.close();
    const decoded = await check(checker, 'events', file);
    expect(decoded).toHaveLength(events.length);
    decoded.forEach((event, i) => expect(event, `event ${i} (${events[i]?.stage}, ${events[i]?.level})`).toEqual(asJson(events[i])));
  });

  it("decodes the webhook sink's request body as an EventList and re-encodes it unchanged", async () => {
    const bodies: string[] = [];
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        bodies.push(Buffer.concat(chunks).toString());
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver!.listen(0, '127.0.0.1', resolve));
    const sink = new WebhookAuditSink({ url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/` });
    const events = everyEvent();
    await sink.deliver(events, never);
    await sink.close();
    expect(bodies).toHaveLength(1);
    const file = join(dir, 'list.json');
    await writeFile(file, bodies[0]!);
    expect(await check(checker, 'list', file)).toEqual([asJson(auditEventList(events))]);
  });

  it('is strict, so passing means something: an unknown field or a millisecond timestamp is refused', async () => {
    const [event] = sampleEvents();
    const unknown = join(dir, 'unknown.log');
    await writeFile(unknown, auditEventLine({ ...event!, logLine: 'GET /secret' } as AuditEvent));
    await expect(check(checker, 'events', unknown)).rejects.toThrow(/unknown field "logLine"/);
    const millis = join(dir, 'millis.log');
    await writeFile(millis, auditEventLine({ ...event!, stageTimestamp: '2026-05-01T10:00:00.123Z' }));
    await expect(check(checker, 'events', millis)).rejects.toThrow(/parsing time/);
  });
});

describe('audit policies against the apiserver Policy type and validation', () => {
  let checker: string;
  let dir: string;

  beforeAll(async () => {
    [checker, dir] = await Promise.all([buildChecker(), mkdtemp(join(tmpdir(), 'tailgate-audit-policy-'))]);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function policyFile(name: string, text: string): Promise<string> {
    const file = join(dir, name);
    await writeFile(file, text);
    return file;
  }

  it('reads a policy using every field as the apiserver reads it', async () => {
    const text = `
apiVersion: audit.k8s.io/v1
kind: Policy
metadata:
  name: tailgate
omitStages: [RequestReceived]
omitManagedFields: true
rules:
  - level: None
    users: ["system:serviceaccount:ops:viewer"]
    userGroups: ["system:nodes"]
    verbs: [get]
  - level: RequestResponse
    namespaces: [prod, ""]
    resources:
      - group: ""
        resources: ["pods/log", "nodes/log"]
        resourceNames: [api-0]
      - group: logging.banzaicloud.io
        resources: [flows, clusterflows]
      - group: "*"
        resources: ["*/log", "pods/*"]
    omitStages: [ResponseStarted, Panic]
    omitManagedFields: false
  - level: Metadata
    nonResourceURLs: ["/logs*", "/healthz"]
  - level: Request
`;
    const [decoded] = (await check(checker, 'policy', await policyFile('full.yaml', text))) as Record<string, unknown>[];
    const ours = parseAuditPolicy(text);
    expect(decoded?.['rules']).toEqual(asJson(ours.rules));
    expect(decoded?.['omitStages']).toEqual(ours.omitStages);
    expect(decoded?.['omitManagedFields']).toBe(ours.omitManagedFields);
  });

  const INVALID: Record<string, string> = {
    'unknown level': 'rules:\n  - level: Loud\n',
    'missing level': 'rules:\n  - users: [alice]\n',
    'unknown stage': 'omitStages: [Done]\nrules:\n  - level: None\n',
    'relative non-resource URL': 'rules:\n  - level: Metadata\n    nonResourceURLs: [logs]\n',
    'wildcard inside a non-resource URL': 'rules:\n  - level: Metadata\n    nonResourceURLs: ["/a*b"]\n',
    'resources and non-resource URLs': 'rules:\n  - level: Metadata\n    namespaces: [a]\n    nonResourceURLs: ["/logs"]\n',
    'group with a version': 'rules:\n  - level: Metadata\n    resources:\n      - group: apps/v1\n',
    'resourceNames without resources': 'rules:\n  - level: Metadata\n    resources:\n      - resourceNames: [x]\n',
    'no rules': 'rules: []\n',
    'unknown field (the apiserver would warn and ignore it; both strict decoders refuse)':
      'rules:\n  - level: Metadata\n    user: [alice]\n',
  };

  it.each(Object.entries(INVALID))('refuses a policy as the apiserver does: %s', async (name, body) => {
    const text = `apiVersion: audit.k8s.io/v1\nkind: Policy\n${body}`;
    await expect(check(checker, 'policy', await policyFile(`${name.replace(/\W+/g, '-')}.yaml`, text))).rejects.toThrow(/refused/);
    expect(() => parseAuditPolicy(text)).toThrow(AuditPolicyError);
  });
});
