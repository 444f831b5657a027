// Subscribe, unsubscribe and list sources: parses each request, authorizes its scope, and
// attaches the socket to the stream's fan-out (starting the shared upstream when needed).
import {
  type Ack,
  type EndReason,
  LIMITS,
  type ScopeView,
  type SourcesListResult,
  SourcesListRequestSchema,
  type SubscribeResult,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from '@tailgate/contracts';
import type { AuditTarget, PodLogAuditOptions } from '@tailgate/audit';
import type { ReplayableLogBus } from '@tailgate/bus';
import type { AccessDecision, PluginRegistry, RegisteredSource } from '@tailgate/plugin-host';
import type { AccessScope, BacklogOptions, PluginLogger, Subject, TargetRef } from '@tailgate/plugin-sdk';
import { z } from 'zod';

import type { BusFrame } from '../model/bus-message';
import type { AccessService } from '../access/access.service';
import { admissionAuditTarget } from '../audit/admission-audit-target';
import type { GatewayAudit } from '../audit/gateway-audit';
import type { Revocation } from '../audit/listener-audit';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import type { QuotaService } from '../quotas/quota.service';
import type { LogsNamespace, LogsSocket } from '../wire/logs-socket';
import { RequestError, toWireError } from '../model/request-error';
import { type BacklogCaps, backlogCaps, checkBacklogWindow } from './backlog-window';
import { canResume } from '../model/can-resume';
import { errorName } from '../model/error-name';
import { parseSince } from './parse-since';
import type { RedactionProfiles } from './redaction-profiles';
import { toResumePoint } from './resume-point';
import { buildScopeFilter, type GrantedScope } from './scope-filter';
import { describeStream, type StreamDescriptor } from '../model/stream-descriptor';
import { FANOUT_OPENED, type FanoutEvent, type FanoutPhase, type FanoutStep, fanoutStep } from './fanout-phase';
import { StreamFanout } from './stream-fanout';
import { scopeAuditTarget } from './scope-audit-target';
import type { ListenerRequest } from './stream-listener';
import type { StreamSupervisor } from './stream-supervisor';

export interface SubscriptionSettings {
  readonly idleGraceMs: number;
  readonly maxBatchRecords: number;
  /** How long records of time-ordered subscriptions wait for earlier ones of other targets. */
  readonly reorderWindowMs: number;
  /** How long a backlog waits for a full connection to drain before the client is disconnected. */
  readonly drainTimeoutMs: number;
  /** Furthest back a `since` may reach, and most records per target a `tail` may ask for (sources may declare less). */
  readonly maxBacklogSinceMs: number;
  readonly maxBacklogTail: number;
  readonly channelOf: (stream: StreamDescriptor) => string;
}

export interface SubscribeOutcome {
  readonly ack: Ack<SubscribeResult>;
  /** Sends the backlog and starts live delivery; call after the acknowledgement went out. */
  readonly activate?: () => Promise<void>;
}

/** What the service is built from; the namespace is the one Socket.IO serves subscriptions on. */
export interface SubscriptionDependencies {
  readonly registry: PluginRegistry;
  readonly access: AccessService;
  readonly supervisor: StreamSupervisor;
  readonly bus: ReplayableLogBus<BusFrame>;
  readonly namespace: LogsNamespace;
  readonly quotas: QuotaService;
  readonly metrics: GatewayMetrics;
  readonly audit: GatewayAudit;
  /** Which redaction each subject's records get (tailgate.yaml `redaction`). */
  readonly redaction: RedactionProfiles;
  readonly logger: PluginLogger;
}

/** A stream's fan-out with where it stands (fanout-phase.ts). */
interface OpenFanout {
  readonly fanout: StreamFanout;
  phase: FanoutPhase;
}

export class SubscriptionService {
  /** The fan-outs that are not closed, by stream key. */
  private readonly fanouts = new Map<string, OpenFanout>();
  private readonly starting = new Map<string, Promise<OpenFanout>>();
  private closing = false;

  constructor(
    private readonly deps: SubscriptionDependencies,
    private readonly settings: SubscriptionSettings,
  ) {}

  async subscribe(socket: LogsSocket, raw: unknown): Promise<SubscribeOutcome> {
    try {
      return await this.trySubscribe(socket, raw);
    } catch (error) {
      return { ack: { ok: false, error: toWireError(error) } };
    }
  }

  unsubscribe(socket: LogsSocket, raw: unknown): Ack<object> {
    const parsed = UnsubscribeRequestSchema.safeParse(raw);
    if (!parsed.success) return { ok: false, error: invalid(parsed.error) };
    const fanout = this.openFanouts().find((f) => f.stream.id === parsed.data.id && f.has(socket.id));
    if (!fanout) return { ok: false, error: { code: 'not_found', message: `no subscription ${parsed.data.id} on this connection` } };
    fanout.remove(socket.id, 'unsubscribed');
    return { ok: true };
  }

  listSources(raw: unknown): Ack<SourcesListResult> {
    if (!SourcesListRequestSchema.safeParse(raw ?? undefined).success) {
      return { ok: false, error: { code: 'invalid_request', message: 'sources.list takes no arguments' } };
    }
    const sources = [...this.deps.registry.sources.values()].map(({ id, source }) => ({
      id,
      description: source.description,
      selector: z.toJSONSchema(source.selector, { io: 'input', unrepresentable: 'any' }),
      // `resume` says the source reads back itself; the others resume from the bus's replay buffer.
      supports: { tail: source.backlog !== undefined, since: source.backlog !== undefined, resume: canResume(source) },
    }));
    return { ok: true, sources };
  }

  /** Ends every subscription of a socket, telling the client why (for a revocation, who withdrew access). */
  endAll(socket: LogsSocket, reason: EndReason, revocation?: Revocation): void {
    for (const fanout of this.openFanouts()) fanout.endListener(socket.id, reason, revocation);
  }

  /** The sockets of the /logs namespace on this replica. */
  sockets(): LogsSocket[] {
    return [...this.deps.namespace.sockets.values()];
  }

  /** Ends every subscription of a socket that is going away. */
  disconnect(socket: LogsSocket): void {
    for (const fanout of this.openFanouts()) if (fanout.has(socket.id)) fanout.remove(socket.id, 'disconnected');
  }

  /** Re-decides live listeners' access; `touched` picks the (subject, target) pairs to re-decide, default all. */
  async recheckAll(touched?: (subject: Subject, target: TargetRef) => boolean): Promise<void> {
    await Promise.all(this.openFanouts().map((fanout) => fanout.recheck(touched)));
  }

  /**
   * Asks again, afresh, the sources' own checks (LogSource.admit) of every live listener, and ends
   * the subscriptions they no longer admit (`access_revoked`). Part of the periodic re-check.
   */
  async recheckAdmissions(): Promise<void> {
    const checks = this.openFanouts()
      .filter((fanout) => fanout.stream.source.source.admit !== undefined)
      .flatMap((fanout) =>
        fanout.listenerSubjects().map(async ({ socketId, subject }) => {
          const { source, selector } = fanout.stream;
          const decision = await this.deps.access.admitSource(source, selector, subject, true);
          if (decision.result === 'allow') return;
          const context = { user: subject.user, connection: socketId, source: source.id, reason: decision.reason };
          this.deps.logger.info(context, 'subscription no longer admitted');
          fanout.endListener(socketId, 'access_revoked', { authorizer: decision.decidedBy.join(','), reason: decision.reason });
        }),
      );
    await Promise.all(checks);
  }

  /**
   * Refuses new subscriptions, stops the upstreams (other replicas take them over), then ends
   * every subscription with `shutdown` and disconnects its client, so it resumes elsewhere.
   */
  async shutdown(): Promise<void> {
    this.closing = true;
    await this.deps.supervisor.stopAll();
    for (const socket of this.sockets()) {
      this.endAll(socket, 'shutdown');
      socket.disconnect(true);
    }
    await Promise.all([...this.fanouts.values()].map((open) => this.move(open, 'shutdown')));
  }

  private async trySubscribe(socket: LogsSocket, raw: unknown): Promise<SubscribeOutcome> {
    if (this.closing) throw new RequestError('upstream_unavailable', 'this gateway is shutting down; reconnect');
    // Every request counts against the subscribe rate, malformed and refused ones too.
    await this.deps.quotas.admitSubscribe(socket.data.subject);
    const request = parseRequest(raw);
    const registered = this.deps.registry.sources.get(request.source);
    if (!registered) throw new RequestError('not_found', 'no such source; sources.list names them', { source: request.source });
    const selector = parseSelector(registered, request.selector);
    const backlog = backlogOptions(registered, request, {
      maxSinceMs: this.settings.maxBacklogSinceMs,
      maxTail: this.settings.maxBacklogTail,
    });
    const subject = socket.data.subject;
    const logOptions = auditLogOptions(backlog, request.follow);
    const granted = await this.authorizeScopes(socket, registered.source.scope(selector), logOptions);
    const admission = await this.admitBySource(socket, registered, selector, logOptions);
    const stream = describeStream(registered, selector);
    if (socket.data.subscriptions.has(stream.id)) {
      throw new RequestError('invalid_request', 'already subscribed to this stream', { id: stream.id });
    }
    // Taken before the first await, so a concurrent subscribe to the same stream is refused
    // instead of registering a second listener that no unsubscribe or disconnect would reach.
    socket.data.subscriptions.add(stream.id);
    // The slot is held before any upstream starts, and given back if the socket left meanwhile.
    // Nothing between finding the fan-out and registering the listener waits for more than
    // promises already settled, so no grace timer can close it in between.
    const open = await this.deps.quotas
      .holdDuring(socket.id, subject, stream.id, async () => {
        const found = await this.fanoutFor(stream);
        if (socket.disconnected) throw new RequestError('not_found', 'the connection closed');
        return found;
      })
      .catch((error: unknown) => {
        socket.data.subscriptions.delete(stream.id);
        throw error;
      });
    const filter = buildScopeFilter(granted, this.deps.registry.recordRules);
    const audit = this.deps.audit.listener(subject, socket.data.connection, logOptions);
    if (admission.target) audit.decided('admission', admission.target, { result: 'allow', authorizer: admission.authorizer });
    const listenerRequest: ListenerRequest = {
      socket,
      subject,
      scopePredicate: filter.predicate,
      scopeSignature: filter.signature,
      namedPods: namedPods(granted),
      backlog,
      follow: request.follow,
      order: request.order,
      mask: this.deps.redaction.maskFor(subject),
      audit,
    };
    const { fanout } = open;
    const listener = fanout.register(listenerRequest);
    void this.move(open, 'joined');
    if (request.follow) {
      // On Redis the upstream opens (at the end of its files) a lease round trip after this: the
      // acknowledgement waits, or lines its client writes right after it would never be read.
      await this.deps.supervisor.acquire(stream);
      // Left meanwhile: the disconnect removed the listener and gave the stream back.
      if (socket.disconnected) throw new RequestError('not_found', 'the connection closed');
    }
    return {
      ack: { ok: true, id: stream.id, scope: granted.map(({ scope }) => toScopeView(scope)) },
      activate: () => fanout.activate(listener, listenerRequest),
    };
  }

  /** Refuses the subscription when the chain explicitly denies every scope it asks for. */
  private async authorizeScopes(
    socket: LogsSocket,
    scopes: readonly AccessScope[],
    logOptions: PodLogAuditOptions,
  ): Promise<GrantedScope[]> {
    const { subject, connection } = socket.data;
    const decisions = await Promise.all(scopes.map((scope) => this.deps.access.decideScope(subject, scope)));
    const granted: GrantedScope[] = [];
    let firstDenial: { scope: AccessScope; decision: AccessDecision } | undefined;
    scopes.forEach((scope, i) => {
      const decision = decisions[i] as AccessDecision;
      if (decision.result === 'allow') granted.push({ scope, decision });
      else if (decision.decidedBy.length === 0) granted.push({ scope, decision: undefined });
      else firstDenial ??= { scope, decision };
    });
    if (granted.length === 0) {
      // The authorizers' reason may describe policy; it goes to the log and the audit, the client learns "forbidden".
      const reason = firstDenial?.decision.result === 'deny' ? firstDenial.decision.reason : 'no scope';
      const authorizer = firstDenial?.decision.decidedBy.join(',');
      const target = firstDenial && scopeAuditTarget(firstDenial.scope);
      const auditID = target && this.deps.audit.subscriptionRefused({ subject, connection, target, authorizer, reason, logOptions });
      this.deps.logger.info({ user: subject.user, connection: socket.id, auditID, reason }, 'subscription denied');
      throw new RequestError('forbidden', 'not allowed to read the logs this subscription asks for');
    }
    return granted;
  }

  /**
   * The source's own check (e.g. may the subject get the Flow it taps), whatever the chain said;
   * for the audit, what it was about and who decided.
   */
  private async admitBySource(
    socket: LogsSocket,
    registered: RegisteredSource,
    selector: unknown,
    logOptions: PodLogAuditOptions,
  ): Promise<{ readonly target: AuditTarget | undefined; readonly authorizer: string }> {
    const { subject, connection } = socket.data;
    const decision = await this.deps.access.admitSource(registered, selector, subject);
    const target = admissionAuditTarget(registered, selector);
    const authorizer = decision.decidedBy.join(',');
    if (decision.result === 'allow') return { target, authorizer };
    const { reason } = decision;
    const auditID = target && this.deps.audit.subscriptionRefused({ subject, connection, target, authorizer, reason, logOptions });
    this.deps.logger.info(
      { user: subject.user, connection: socket.id, auditID, source: registered.id, reason },
      'subscription denied by its source',
    );
    throw new RequestError('forbidden', 'not allowed to read the logs this subscription asks for');
  }

  private async fanoutFor(stream: StreamDescriptor): Promise<OpenFanout> {
    const existing = this.fanouts.get(stream.key);
    if (existing) return existing;
    const pending = this.starting.get(stream.key);
    if (pending) return pending;
    const { bus, namespace, metrics, logger } = this.deps;
    const fanout = new StreamFanout(stream, {
      bus,
      channel: this.settings.channelOf(stream),
      access: this.deps.access,
      rules: this.deps.registry.recordRules,
      namespace,
      metrics,
      logger,
      maxBatchRecords: this.settings.maxBatchRecords,
      reorderWindowMs: this.settings.reorderWindowMs,
      drainTimeoutMs: this.settings.drainTimeoutMs,
      onListenerRemoved: (owner, listener) => {
        this.deps.quotas.release(listener.id, owner.stream.id);
        if (listener.follows) this.deps.supervisor.release(owner.stream);
      },
      onIdle: (idle) => {
        const open = this.fanouts.get(idle.stream.key);
        if (open?.fanout === idle) void this.move(open, 'last-left');
      },
    });
    const start = fanout.start().then(() => {
      // Closed until FANOUT_OPENED makes it idle: not in use until its first listener registers
      // (whose connection may close before).
      const open: OpenFanout = { fanout, phase: { kind: 'closed' } };
      void this.apply(open, FANOUT_OPENED);
      this.fanouts.set(stream.key, open);
      return open;
    });
    this.starting.set(stream.key, start);
    try {
      return await start;
    } finally {
      this.starting.delete(stream.key);
    }
  }

  private openFanouts(): StreamFanout[] {
    return [...this.fanouts.values()].map((open) => open.fanout);
  }

  /** Moves a fan-out's phase (fanout-phase.ts); resolves once a fan-out it closes is closed. */
  private move(open: OpenFanout, event: FanoutEvent): Promise<void> {
    const step = fanoutStep(open.phase.kind, event);
    return step ? this.apply(open, step) : Promise.resolve();
  }

  /** Carries out a step's actions; the new phase is in place before anything is awaited. */
  private apply(open: OpenFanout, step: FanoutStep): Promise<void> {
    const before = open.phase;
    let grace: NodeJS.Timeout | undefined;
    let closed = Promise.resolve();
    for (const action of step.actions) {
      if (action === 'cancel-grace' && before.kind === 'idle') clearTimeout(before.grace);
      // An idle fan-out is kept for the grace period, so a quick return finds its targets known.
      if (action === 'start-grace') grace = setTimeout(() => this.endGrace(open), this.settings.idleGraceMs).unref();
      if (action === 'close') closed = this.close(open);
    }
    if (step.next !== 'idle') open.phase = { kind: step.next };
    else if (grace) open.phase = { kind: 'idle', grace };
    else throw new Error('a fan-out became idle without a grace timer');
    return closed;
  }

  private endGrace(open: OpenFanout): void {
    this.move(open, 'grace-ended').catch((error: unknown) => {
      this.deps.logger.warn({ stream: open.fanout.stream.id, err: errorName(error) }, 'closing an idle stream failed');
    });
  }

  private close(open: OpenFanout): Promise<void> {
    const key = open.fanout.stream.key;
    if (this.fanouts.get(key) === open) this.fanouts.delete(key);
    return open.fanout.close();
  }
}

function parseRequest(raw: unknown) {
  const parsed = SubscribeRequestSchema.safeParse(raw);
  if (!parsed.success) throw new RequestError('invalid_request', 'malformed subscribe request', { issues: issuesOf(parsed.error) });
  if (JSON.stringify(parsed.data.selector ?? null).length > LIMITS.maxSelectorBytes) {
    throw new RequestError('invalid_request', `selector larger than ${LIMITS.maxSelectorBytes} bytes`);
  }
  return parsed.data;
}

function parseSelector(registered: RegisteredSource, raw: unknown): unknown {
  const parsed = registered.source.selector.safeParse(raw);
  if (!parsed.success) {
    throw new RequestError('invalid_request', `selector does not fit source ${registered.id}`, { issues: issuesOf(parsed.error) });
  }
  return parsed.data;
}

function backlogOptions(
  registered: RegisteredSource,
  request: ReturnType<typeof parseRequest>,
  caps: BacklogCaps,
): BacklogOptions | undefined {
  // A source that cannot resume itself is served from the bus's replay buffer (see StreamFanout).
  if (request.resume !== undefined) return { after: toResumePoint(request.resume) };
  if (request.tail === undefined && request.since === undefined) return undefined;
  if (!registered.source.backlog) throw new RequestError('invalid_request', `source ${registered.id} supports neither tail nor since`);
  const now = Date.now();
  const options = {
    ...(request.tail !== undefined && { tail: request.tail }),
    ...(request.since !== undefined && { since: parseSince(request.since, now) }),
  };
  checkBacklogWindow(registered.id, options, backlogCaps(registered.source.backlogLimits, caps), now);
  return options;
}

/** The read's options as the apiserver records a pods/log request's (tail and since; a resume has none). */
function auditLogOptions(backlog: BacklogOptions | undefined, follow: boolean): PodLogAuditOptions {
  return {
    follow,
    ...(backlog?.tail !== undefined && { tailLines: backlog.tail }),
    ...(backlog?.since !== undefined && { sinceTime: backlog.since.toISOString() }),
  };
}

function invalid(error: z.ZodError) {
  return { code: 'invalid_request' as const, message: 'malformed request', details: { issues: issuesOf(error) } };
}

/** Paths and messages only: never the offending values. */
function issuesOf(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.slice(0, 10).map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

/** Pods a granted scope names exactly (namespace and pod): the subscriber named them itself. */
function namedPods(granted: readonly GrantedScope[]): ReadonlySet<string> {
  const named = new Set<string>();
  for (const { scope } of granted)
    if (scope.namespace !== undefined && scope.pod !== undefined) named.add(`${scope.namespace}/${scope.pod}`);
  return named;
}

function toScopeView(scope: AccessScope): ScopeView {
  const { namespace: ns, pod, container, node, labelSelector } = scope;
  return Object.fromEntries(Object.entries({ ns, pod, container, node, labelSelector }).filter(([, v]) => v !== undefined));
}
