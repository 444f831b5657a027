// POST <basePath>/plugins/agent-pod-logs/v1/session: an agent trades its projected ServiceAccount
// token (Authorization: Bearer, audience `agentAuthentication.audience`) for the session key of
// its node. The gateway reviews the token with the apiserver (TokenReview); it must belong to the
// configured agent ServiceAccount and be bound to a pod, and the node is the one the apiserver
// names for that pod (`user.extra["authentication.kubernetes.io/node-name"]`, Kubernetes ≥ 1.30) —
// never anything in the request. Refusals answer a code, are counted and logged by code; the
// token is never logged or echoed.
import type { KubeApi } from '@tailgate/kube';
import type { PluginCounter, PluginHttpRequest, PluginHttpResponse, PluginLogger, PluginMetrics } from '@tailgate/plugin-sdk';

import type { AgentSessionKeys } from './agent-session-keys';

export const SESSION_PATH = '/v1/session';
export const NODE_NAME_EXTRA = 'authentication.kubernetes.io/node-name';
export const POD_NAME_EXTRA = 'authentication.kubernetes.io/pod-name';
export const SESSIONS_METRIC = 'tailgate_agent_sessions_total';

export type SessionResult = 'issued' | 'unauthenticated' | 'forbidden' | 'unavailable' | 'busy';

/** Reviews in flight at once; more answer 503 at once (agents retry with backoff), so a flood of bad tokens costs the apiserver little. */
export const MAX_CONCURRENT_REVIEWS = 16;

export interface AgentSessionEndpointOptions {
  /** `namespace/name` of the agents' ServiceAccount. */
  readonly serviceAccount: string;
  readonly audience: string;
}

/** The node a reviewed identity speaks for, or why it may not have a session. Pure. */
export function sessionNode(
  user: { readonly username: string; readonly extra?: Readonly<Record<string, readonly string[]>> },
  serviceAccount: string,
): { readonly node: string } | { readonly refused: 'forbidden'; readonly why: string } {
  const [namespace, name] = serviceAccount.split('/');
  if (user.username !== `system:serviceaccount:${namespace}:${name}`) return { refused: 'forbidden', why: 'not_agent_service_account' };
  const nodes = user.extra?.[NODE_NAME_EXTRA] ?? [];
  const pods = user.extra?.[POD_NAME_EXTRA] ?? [];
  const node = nodes[0];
  if (nodes.length !== 1 || node === undefined || node === '' || pods.length !== 1)
    return { refused: 'forbidden', why: 'not_bound_to_pod' };
  return { node };
}

export class AgentSessionEndpoint {
  private readonly sessions: PluginCounter<'result'>;
  private reviewing = 0;

  constructor(
    private readonly kube: KubeApi,
    private readonly keys: AgentSessionKeys,
    private readonly options: AgentSessionEndpointOptions,
    metrics: PluginMetrics,
    private readonly logger: PluginLogger,
  ) {
    this.sessions = metrics.counter({
      name: SESSIONS_METRIC,
      help: 'Agent session requests by result: issued, unauthenticated (no or a refused token), forbidden (another ServiceAccount, or a token not bound to a pod), unavailable (TokenReview failed), busy (too many reviews in flight).',
      labelNames: ['result'],
    });
  }

  readonly handle = async (request: PluginHttpRequest): Promise<PluginHttpResponse> => {
    if (request.path !== SESSION_PATH) return { status: 404, body: error('not_found', 'no such endpoint') };
    if (request.method !== 'POST') return { status: 405, headers: { allow: 'POST' }, body: error('invalid_request', 'use POST') };
    const token = bearer(request.headers.authorization);
    if (token === undefined) return this.refuse('unauthenticated', 'no_token', 401);
    if (this.reviewing >= MAX_CONCURRENT_REVIEWS) return this.refuse('busy', 'too_many_reviews', 503);
    let review;
    this.reviewing++;
    try {
      review = await this.kube.tokenReview(token, [this.options.audience], { signal: request.signal });
    } catch (failure) {
      this.logger.warn({ code: (failure as { code?: string }).code ?? 'unknown' }, 'agent session: TokenReview failed');
      return this.refuse('unavailable', 'token_review_failed', 503);
    } finally {
      this.reviewing--;
    }
    if (!review.authenticated || !review.audiences.includes(this.options.audience))
      return this.refuse('unauthenticated', 'token_refused', 401);
    const verdict = sessionNode(review.user, this.options.serviceAccount);
    if ('refused' in verdict) return this.refuse('forbidden', verdict.why, 403);
    this.sessions.inc({ result: 'issued' });
    this.logger.debug({ node: verdict.node }, 'agent session issued');
    return { status: 200, headers: { 'cache-control': 'no-store' }, body: this.keys.sessionFor(verdict.node) };
  };

  private refuse(result: Exclude<SessionResult, 'issued'>, why: string, status: number): PluginHttpResponse {
    this.sessions.inc({ result });
    this.logger.warn({ code: why }, 'agent session refused');
    const code = result === 'unavailable' ? 'upstream_unavailable' : result === 'busy' ? 'rate_limited' : result;
    const headers: Record<string, string> = status === 503 ? { 'retry-after': '1' } : {};
    return { status, headers, body: error(code, `agent session refused (${why})`) };
  }
}

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

function error(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}
