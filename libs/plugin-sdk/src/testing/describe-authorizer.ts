// Conformance suite every authorizer passes, plus the plugin's own decision table.
import { describe, expect, it } from 'vitest';

import type { AccessRequest, Authorizer, Decision, RecordRule } from '../authorizer';
import { silentLogger } from '../plugin-logger';
import type { RecordView } from '../records';

export interface AuthorizerCase {
  readonly name: string;
  readonly request: AccessRequest;
  readonly expected: Decision['result'];
}

export interface AuthorizerFixture {
  readonly authorizer: Authorizer;
  /** `<pluginId>.<name>` → rule, for conditional decisions. */
  readonly recordRules?: ReadonlyMap<string, RecordRule<unknown>>;
  /** The plugin's own decision table; each case asserts exactly one result. */
  readonly cases: readonly AuthorizerCase[];
}

const UNKNOWN_REQUESTS: readonly AccessRequest[] = [
  { kind: 'scope', action: 'logs.read', subject: { user: '', groups: [] }, scope: {} },
  {
    kind: 'target',
    action: 'logs.read',
    subject: { user: 'nobody:with:colons:', groups: ['x'] },
    target: { namespace: 'no-such-ns', pod: 'no-such-pod' },
  },
  {
    kind: 'scope',
    action: 'logs.read',
    subject: { user: 'system:serviceaccount:a:b', groups: [] },
    scope: { namespace: 'n', labelSelector: 'a in (b)' },
  },
];

/** Records a rule must answer for without throwing: a pod's, and a node's own logs (ns and pod empty). */
const SAMPLE_RECORDS: readonly RecordView[] = [
  { ts: '2026-01-01T00:00:00.000000000Z', ns: 'no-such-ns', pod: 'no-such-pod', container: 'c', stream: 'stdout', line: 'x' },
  { ts: '2026-01-01T00:00:00Z', ns: '', pod: '', container: 'kubelet', node: 'n1', stream: 'stderr', line: '' },
];

async function decide(authorizer: Authorizer, request: AccessRequest): Promise<Decision> {
  return authorizer.authorize(request, { signal: new AbortController().signal, logger: silentLogger });
}

export function describeAuthorizer(name: string, makeFixture: () => Promise<AuthorizerFixture>): void {
  describe(`Authorizer conformance: ${name}`, () => {
    it('answers unknown subjects and scopes with a decision instead of throwing', async () => {
      const { authorizer } = await makeFixture();
      for (const request of UNKNOWN_REQUESTS) {
        const decision = await decide(authorizer, request);
        expect(['allow', 'deny', 'abstain', 'conditional']).toContain(decision.result);
      }
    });

    it('gives a reason with every deny and registered, serialisable rules that judge flat records with every condition', async () => {
      const { authorizer, cases, recordRules } = await makeFixture();
      for (const request of [...UNKNOWN_REQUESTS, ...cases.map((c) => c.request)]) {
        const decision = await decide(authorizer, request);
        if (decision.result === 'deny') expect(decision.reason).toMatch(/\S/);
        if (decision.result !== 'conditional') continue;
        expect(decision.conditions.length).toBeGreaterThan(0);
        for (const condition of decision.conditions) {
          const rule = recordRules?.get(condition.rule);
          expect(rule, `condition names unregistered rule ${condition.rule}`).toBeDefined();
          expect(JSON.parse(JSON.stringify(condition.params))).toEqual(condition.params);
          const params = rule?.params.safeParse(condition.params);
          expect(params?.success).toBe(true);
          for (const record of SAMPLE_RECORDS) expect(typeof rule?.test(record, params?.data)).toBe('boolean');
        }
      }
    });

    it('decides the same request the same way twice', async () => {
      const { authorizer, cases } = await makeFixture();
      for (const { request } of cases) expect(await decide(authorizer, request)).toEqual(await decide(authorizer, request));
    });

    it('has a decision table with at least one allow and one deny', async () => {
      const { cases } = await makeFixture();
      const results = new Set(cases.map((c) => c.expected));
      expect(results.has('deny')).toBe(true);
      expect(results.has('allow') || results.has('conditional')).toBe(true);
    });

    it('decides every case of its table as expected', async () => {
      const { authorizer, cases } = await makeFixture();
      for (const { name: caseName, request, expected } of cases) {
        expect((await decide(authorizer, request)).result, caseName).toBe(expected);
      }
    });
  });
}
