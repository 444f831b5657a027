// The agent's session with the gateways: it posts its projected ServiceAccount token (read from
// tokenFile at every request: the kubelet rotates it) to <gatewayUrl>/plugins/agent-pod-logs/v1/session
// and gets its node's session key, which signs everything it publishes. It renews at the time the
// gateway names (early in the next key epoch), retries a failed request with backoff (1 s doubling
// to 30 s), and keeps the last key meanwhile: the gateways take it until it expires. The token and
// the key are never logged; failures are logged by code. The request goes out on node:http(s)
// (post-json.ts), not fetch: undici alone took 12 MB of the agent's RSS.
import { readFile } from 'node:fs/promises';

import type { SigningKey } from '@tailgate/plugin-agent-pod-logs';
import type { Logger } from 'pino';
import { z } from 'zod';

import { postJson } from './post-json';

const SessionSchema = z.strictObject({
  node: z.string().min(1).max(253),
  epoch: z.number().int().nonnegative(),
  key: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  expiresAt: z.number().int(),
  renewAt: z.number().int(),
});

export const SESSION_PATH = '/plugins/agent-pod-logs/v1/session';
const MIN_RETRY_MS = 1_000;
const MAX_RETRY_MS = 30_000;
/** One session request's deadline. */
const REQUEST_TIMEOUT_MS = 10_000;

interface HeldSession extends SigningKey {
  readonly expiresAt: number;
  readonly renewAt: number;
}

export type SessionFailure = 'token_unreadable' | 'gateway_unreachable' | 'refused' | 'invalid_answer' | 'wrong_node';

export class AgentSessionClient {
  private session: HeldSession | undefined;
  private timer: NodeJS.Timeout | undefined;
  private retryMs = MIN_RETRY_MS;
  private stopped = false;
  private lastFailure: SessionFailure | undefined;

  constructor(
    private readonly gatewayUrl: string,
    private readonly tokenFile: string,
    private readonly nodeName: string,
    private readonly logger: Logger,
    /** Called when a session is held again after none was (the agent says it is there at once). */
    private readonly onSession: () => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** The key to sign with now; undefined before the first session or once the last one expired. */
  current(): SigningKey | undefined {
    const session = this.session;
    return session !== undefined && session.expiresAt > this.now() ? session : undefined;
  }

  /** Why the agent has no usable session, if it has none. */
  problem(): SessionFailure | 'no_session' | undefined {
    return this.current() === undefined ? (this.lastFailure ?? 'no_session') : undefined;
  }

  /** Starts asking; resolves after the first attempt (the agent starts either way, and keeps trying). */
  async start(): Promise<void> {
    await this.renew();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async renew(): Promise<void> {
    if (this.stopped) return;
    const had = this.current() !== undefined;
    const failure = await this.request();
    if (this.stopped) return;
    if (failure === undefined) {
      this.retryMs = MIN_RETRY_MS;
      if (this.lastFailure !== undefined) this.logger.info({ node: this.nodeName }, 'agent session restored');
      this.lastFailure = undefined;
      if (!had) this.onSession();
      this.schedule(Math.max(0, (this.session?.renewAt ?? 0) - this.now()));
    } else {
      if (failure !== this.lastFailure) this.logger.warn({ code: failure }, 'agent session request failed; retrying');
      this.lastFailure = failure;
      this.schedule(this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
    }
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.renew(), ms);
    this.timer.unref();
  }

  private async request(): Promise<SessionFailure | undefined> {
    let token: string;
    try {
      token = (await readFile(this.tokenFile, 'utf8')).trim();
    } catch {
      return 'token_unreadable';
    }
    const url = new URL(SESSION_PATH.slice(1), this.gatewayUrl.endsWith('/') ? this.gatewayUrl : `${this.gatewayUrl}/`);
    const answer = await postJson(url, { authorization: `Bearer ${token}` }, REQUEST_TIMEOUT_MS);
    if ('failed' in answer) return answer.failed === 'too_large' ? 'invalid_answer' : 'gateway_unreachable';
    if (answer.status < 200 || answer.status > 299) {
      return answer.status === 401 || answer.status === 403 ? 'refused' : 'gateway_unreachable';
    }
    const parsed = SessionSchema.safeParse(answer.body);
    if (!parsed.success) return 'invalid_answer';
    // The apiserver says which node this pod runs on; a different --node-name is a misconfiguration.
    if (parsed.data.node !== this.nodeName) return 'wrong_node';
    const { node, epoch, key, expiresAt, renewAt } = parsed.data;
    this.session = { node, epoch, key: Buffer.from(key, 'base64url'), expiresAt, renewAt };
    return undefined;
  }
}
