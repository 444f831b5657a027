// Each listener's access to each target of one stream, and what it is told about a target:
// `target added` when it may read it; else one `denied` when it may learn the target's name
// (docs/security.md "Disclosure"), or one more `hidden`. The authorizers' own reasons stay in the
// server's log; the client learns `forbidden` or `unavailable`.
import { deniedEvent, hiddenEvent, targetAddedEvent, type WireTarget } from '@tailgate/contracts';
import type { PluginLogger, RecordRule } from '@tailgate/plugin-sdk';

import { type AccessService, AUTHORIZER_ERROR } from '../access/access.service';
import { auditTargetOf } from '../audit/listener-audit';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import { fromWireTarget } from '../model/bus-message';
import type { SlowListeners } from './slow-listeners';
import type { StreamListener } from './stream-listener';
import { compileAccess, PASS, type TargetAccess } from './target-access';

export interface ListenerAccessDeps {
  readonly streamId: string;
  readonly access: AccessService;
  readonly rules: ReadonlyMap<string, RecordRule<unknown>>;
  readonly slow: SlowListeners;
  readonly metrics: GatewayMetrics;
  readonly logger: PluginLogger;
}

export class ListenerAccess {
  constructor(private readonly deps: ListenerAccessDeps) {}

  /** The listener's access to a target; for a denied one also whether it may learn its name. `fresh`: no cached decision. */
  async decide(listener: StreamListener, target: WireTarget, fresh = false): Promise<TargetAccess> {
    const ref = fromWireTarget(target);
    const decision = await this.deps.access.decideTarget(listener.subject, ref, fresh);
    const named =
      decision.result === 'deny' &&
      (listener.namedPods.has(`${target.ns}/${target.pod}`) || (await this.deps.access.mayListTargets(listener.subject, ref)));
    return compileAccess(decision, this.deps.rules, named);
  }

  /** Decides a target for a listener once; a decision made meanwhile (a re-check) wins. */
  async ensureDecided(listener: StreamListener, key: string, target: WireTarget): Promise<void> {
    if (listener.access.has(key)) return;
    const access = await this.decide(listener, target);
    if (listener.access.has(key)) return;
    listener.access.set(key, access);
    this.audit(listener, key, target);
  }

  /** Tells the listener's audit trail its access to a target now; it records what changed. */
  audit(listener: StreamListener, key: string, target: WireTarget): void {
    const access = listener.access.get(key);
    if (access === undefined || !listener.audit.active) return;
    const { authorizer } = access;
    const decision = access.allowed
      ? { result: access.predicate === PASS ? ('allow' as const) : ('conditional' as const), authorizer, reason: access.reason }
      : { result: 'deny' as const, authorizer, reason: access.reason };
    const change = listener.audit.decided(key, auditTargetOf(target), decision);
    if (change.kind === 'unchanged') return;
    const context = {
      stream: this.deps.streamId,
      user: listener.subject.user,
      connection: listener.id,
      target: key,
      auditID: change.auditID,
    };
    if (change.kind === 'revoked') this.deps.logger.info({ ...context, authorizer, reason: decision.reason }, 'access revoked');
    else this.deps.logger.debug({ ...context, decision: decision.result, authorizer }, 'target decided');
  }

  /** Tells a listener about a target: `target added` when it may read it, else once `denied` or `hidden`. */
  announce(listener: StreamListener, key: string, target: WireTarget): void {
    const { streamId, slow } = this.deps;
    const access = listener.access.get(key);
    if (access?.allowed) {
      slow.send(listener, { event: 'target', payload: targetAddedEvent(streamId, target) });
      return;
    }
    if (listener.deniedSent.has(key)) return;
    listener.deniedSent.add(key);
    this.deps.metrics.deniedTargets.inc();
    this.deps.logger.debug({ stream: streamId, user: listener.subject.user, target: key, reason: access?.reason }, 'target denied');
    if (access?.named === true) {
      const reason = access.reason === AUTHORIZER_ERROR ? 'unavailable' : 'forbidden';
      slow.send(listener, { event: 'denied', payload: deniedEvent(streamId, target, reason) });
    } else {
      listener.hiddenCount++;
      slow.send(listener, { event: 'hidden', payload: hiddenEvent(streamId, listener.hiddenCount) });
    }
  }
}
