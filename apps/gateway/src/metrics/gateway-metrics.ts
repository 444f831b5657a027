// Prometheus metrics of one gateway, in a registry of its own (several gateways may share a
// process in tests).
import type { LoadedPlugin } from '@tailgate/plugin-host';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';

import { GATEWAY_PACKAGE } from './gateway-package';

/** What one batch carried for one namespace (`""` for node logs). */
export interface NamespaceTally {
  readonly namespace: string;
  records: number;
  bytes: number;
}

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly connections = new Counter({
    name: 'tailgate_connections_total',
    help: 'Sockets that connected and authenticated.',
    registers: [this.registry],
  });
  readonly authFailures = new Counter({
    name: 'tailgate_auth_failures_total',
    help: 'Connections refused by authentication.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly authenticatorRejections = new Counter({
    name: 'tailgate_authenticator_rejections_total',
    help: 'Tokens an authenticator of authentication.authenticators did not accept, by authenticator and reason: rejected (it said no), error (it failed). A token the next authenticator accepts still counts here.',
    labelNames: ['authenticator', 'reason'] as const,
    registers: [this.registry],
  });
  readonly connectionRefusals = new Counter({
    name: 'tailgate_connections_refused_total',
    help: 'Connections refused before or besides authentication, by reason: origin (not in server.corsOrigins), handshake (malformed auth or unsupported protocol), namespace (not /logs), address_rate, credential_rate, user_connections. Failed authentications count in tailgate_auth_failures_total.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly pluginHttpRequests = new Counter({
    name: 'tailgate_plugin_http_requests_total',
    help: "Requests to plugins' HTTP endpoints (/plugins/<id>/…), by plugin and answered status.",
    labelNames: ['plugin', 'status'] as const,
    registers: [this.registry],
  });
  readonly decisions = new Counter({
    name: 'tailgate_access_decisions_total',
    help: 'Decisions of the authorizer chain (not counting cache hits), by kind (scope, target, names: may the subject learn target names, source: the check a source makes itself) and result.',
    labelNames: ['kind', 'result'] as const,
    registers: [this.registry],
  });
  readonly authorizerDecisions = new Counter({
    name: 'tailgate_authorizer_decisions_total',
    help: "Each authorizer's own answer within the chain (not counting cache hits), by authorizer (access.chain, a source's `<source>.admit`, gateway.deleted-identities) and result: allow, deny, abstain, conditional, error.",
    labelNames: ['authorizer', 'result'] as const,
    registers: [this.registry],
  });
  readonly authorizerErrors = new Counter({
    name: 'tailgate_authorizer_errors_total',
    help: 'Authorizer calls that failed or timed out.',
    labelNames: ['authorizer'] as const,
    registers: [this.registry],
  });
  readonly upstreamsOpened = new Counter({
    name: 'tailgate_upstreams_opened_total',
    help: 'Upstream streams started, by source.',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });
  readonly upstreamsActive = new Gauge({
    name: 'tailgate_upstreams_active',
    help: 'Upstream streams running.',
    registers: [this.registry],
  });
  readonly leasesHeld = new Gauge({
    name: 'tailgate_stream_leases_held',
    help: 'With Redis: stream leases this replica holds (it runs those upstreams for every replica).',
    registers: [this.registry],
  });
  readonly takeovers = new Counter({
    name: 'tailgate_stream_takeovers_total',
    help: 'With Redis: leases taken on streams another replica was running (it died or shut down).',
    registers: [this.registry],
  });
  readonly leaseLosses = new Counter({
    name: 'tailgate_stream_lease_losses_total',
    help: 'With Redis: leases this replica lost while running the upstream (renewal failed or came too late).',
    registers: [this.registry],
  });
  readonly gaps = new Counter({
    name: 'tailgate_gaps_total',
    help: 'Gaps told to listeners (records may be missing), by reason, once per stream and replica.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly gapsFilled = new Counter({
    name: 'tailgate_records_read_back_total',
    help: 'Records a replica read back from a resumable source to fill a gap on the bus instead of reporting it.',
    registers: [this.registry],
  });

  readonly fencedMessages = new Counter({
    name: 'tailgate_bus_messages_fenced_total',
    help: 'With Redis: bus messages dropped because they came from a deposed stream holder.',
    registers: [this.registry],
  });
  readonly listenersActive = new Gauge({
    name: 'tailgate_listeners_active',
    help: 'Subscriptions on this replica.',
    registers: [this.registry],
  });
  readonly recordsDelivered = new Counter({
    name: 'tailgate_records_delivered_total',
    help: 'Records sent to clients (one record to three clients counts three).',
    registers: [this.registry],
  });
  readonly namespaceRecordsDelivered = new Counter({
    name: 'tailgate_namespace_records_delivered_total',
    help: 'Records sent to clients, by the namespace of their pod ("" for node logs); counted per batch, one record to three clients counts three.',
    labelNames: ['namespace'] as const,
    registers: [this.registry],
  });
  readonly namespaceBytesDelivered = new Counter({
    name: 'tailgate_namespace_bytes_delivered_total',
    help: 'Bytes of records sent to clients (their wire size, as the slow lanes and the audit trail count it), by namespace.',
    labelNames: ['namespace'] as const,
    registers: [this.registry],
  });
  readonly recordsDropped = new Counter({
    name: 'tailgate_records_dropped_total',
    help: 'Records dropped before delivery, by reason.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly listenersSlow = new Gauge({
    name: 'tailgate_listeners_slow',
    help: 'Subscriptions whose connection fell behind, served from their slow lane (records_dropped reason slow_listener counts what they lost).',
    registers: [this.registry],
  });
  readonly slowLaneBytes = new Gauge({
    name: 'tailgate_slow_lane_bytes',
    help: 'Bytes queued in the slow lanes of slow subscriptions (each at most streams.listenerBufferBytes).',
    registers: [this.registry],
  });
  readonly stalledDisconnects = new Counter({
    name: 'tailgate_stalled_disconnects_total',
    help: 'Connections closed because a backlog waited streams.drainTimeoutMs for them to take anything.',
    registers: [this.registry],
  });
  readonly deniedTargets = new Counter({
    name: 'tailgate_denied_targets_total',
    help: 'denied events sent to clients.',
    registers: [this.registry],
  });
  readonly quotaRefusals = new Counter({
    name: 'tailgate_quota_refusals_total',
    help: 'Subscribe requests refused with quota_exceeded, by limit (subscriptions, streams, subscribeRate) and scope (user, tenant).',
    labelNames: ['limit', 'scope'] as const,
    registers: [this.registry],
  });

  readonly pluginInfo = new Gauge({
    name: 'tailgate_plugin_info',
    help: "1 for each enabled plugin: its id, the npm package it came from and that package's version (the gateway's own for a bundled plugin), and the @tailgate/plugin-sdk version it was built with.",
    labelNames: ['plugin', 'package', 'version', 'sdk'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'tailgate_' });
  }

  /** Sets tailgate_plugin_info for the plugins loaded at boot. */
  describePlugins(plugins: readonly LoadedPlugin[]): void {
    for (const plugin of plugins) {
      const { name, version } = plugin.package ?? GATEWAY_PACKAGE;
      this.pluginInfo.set({ plugin: plugin.id, package: name, version, sdk: plugin.sdkVersion }, 1);
    }
  }

  /** One batch sent `copies` times: counted once per namespace it holds, not per record or client. */
  delivered(tally: readonly NamespaceTally[], records: number, copies: number): void {
    this.recordsDelivered.inc(records * copies);
    for (const { namespace, records: n, bytes } of tally) {
      this.namespaceRecordsDelivered.inc({ namespace }, n * copies);
      this.namespaceBytesDelivered.inc({ namespace }, bytes * copies);
    }
  }
}
