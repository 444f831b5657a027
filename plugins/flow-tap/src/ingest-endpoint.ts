// The gateway's ingest endpoint for flow taps (mounted for plugin id `flow-tap`): a shipper posts a
// body to its tap's URL with the tap's password; the records it holds go, as ONE message, to that
// tap's records channel and nowhere else. In order, each step answering the shipper with a status
// it knows how to treat (fluentd and fluent-bit retry 503, drop on 4xx):
//   route (404/405) → Basic credentials (401 none, 403 wrong) → a body slot (503) → body (400/413/415)
//   → publish (503) → 200 {accepted, dropped}.
// Nothing here logs a password, a header or a line.
import type { PluginBus, PluginHttpHandler, PluginHttpRequest, PluginHttpResponse, PluginLogger } from '@tailgate/plugin-sdk';

import { parseBasicAuth } from './basic-auth';
import type { IngestLimits } from './flow-tap-config';
import type { FlowTapCounters, IngestResult } from './flow-tap-metrics';
import type { IngestBodyResult } from './ingest/ingest-record';
import { INGEST_METHODS, ingestRoute } from './ingest-route';
import { TAP_USERNAME } from './tap-credential';
import type { TapCredentials } from './tap-credentials';
import { encodeTapMessage } from './tap-message';
import { type TapRef, tapKey } from './tap-ref';
import { recordsChannel } from './tap-state';

export type ReadIngestBody = (request: PluginHttpRequest, limits: IngestLimits) => Promise<IngestBodyResult>;

export interface IngestEndpointDeps {
  readonly controlNamespace: string;
  readonly limits: IngestLimits;
  readonly credentials: TapCredentials;
  readonly bus: PluginBus;
  readonly counters: FlowTapCounters;
  readonly logger: PluginLogger;
  readonly readBody: ReadIngestBody;
}

/** Seconds a shipper is asked to wait before retrying a 503. */
const RETRY_AFTER_SECONDS = '1';

/** The handler to mount; one per process, as the concurrency bound is per process. */
export function ingestEndpoint(deps: IngestEndpointDeps): PluginHttpHandler {
  const endpoint = new IngestEndpoint(deps);
  return (request) => endpoint.handle(request);
}

class IngestEndpoint {
  /** Bodies being read now. */
  private reading = 0;

  constructor(private readonly deps: IngestEndpointDeps) {}

  async handle(request: PluginHttpRequest): Promise<PluginHttpResponse> {
    const route = ingestRoute(request.method, request.path, this.deps.controlNamespace);
    if (!route.ok && route.status === 404) return this.answer('not_found', refusal(404, 'not_found', 'no tap has this URL'));
    if (!route.ok) {
      const allow = { allow: INGEST_METHODS.join(', ') };
      return this.answer('method_not_allowed', refusal(405, 'method_not_allowed', 'send POST or PUT', allow));
    }
    const denied = await this.authenticate(route.tap, request.headers.authorization);
    if (denied !== undefined) return denied;
    if (this.reading >= this.deps.limits.maxConcurrent) {
      return this.answer('overloaded', unavailable('overloaded', 'too many bodies are being read; retry shortly'));
    }
    this.reading++;
    try {
      return await this.ingest(route.tap, request);
    } finally {
      this.reading--;
    }
  }

  /** A refusal when the request does not carry the tap's current password; undefined when it does. */
  private async authenticate(tap: TapRef, header: string | undefined): Promise<PluginHttpResponse | undefined> {
    const credentials = parseBasicAuth(header);
    if (credentials === undefined) {
      const challenge = { 'www-authenticate': 'Basic realm="tailgate flow-tap", charset="UTF-8"' };
      return this.answer(
        'unauthenticated',
        refusal(401, 'unauthenticated', 'send the tap credentials with Basic authentication', challenge),
      );
    }
    let valid: boolean;
    try {
      valid = credentials.username === TAP_USERNAME && (await this.deps.credentials.verify(tap, credentials.password));
    } catch (error) {
      this.deps.logger.warn({ tap: tapKey(tap), err: errorName(error) }, 'tap credential could not be read');
      return this.answer('unavailable', unavailable('unavailable', 'the tap credential cannot be checked now; retry shortly'));
    }
    return valid ? undefined : this.answer('forbidden', refusal(403, 'forbidden', 'these are not the credentials of this tap'));
  }

  private async ingest(tap: TapRef, request: PluginHttpRequest): Promise<PluginHttpResponse> {
    const { counters } = this.deps;
    const body = await this.deps.readBody(request, this.deps.limits);
    if (!body.ok) return this.answer('refused_body', refusal(body.status, body.code, body.reason));
    let dropped = 0;
    for (const [outcome, count = 0] of Object.entries(body.dropped)) {
      if (count > 0) counters.ingestRecords.inc({ outcome }, count);
      dropped += count;
    }
    if (body.records.length > 0) {
      try {
        await this.deps.bus.publish(recordsChannel(tap), encodeTapMessage(body.records));
      } catch (error) {
        this.deps.logger.warn({ tap: tapKey(tap), err: errorName(error) }, 'publishing tapped records failed');
        return this.answer('publish_failed', unavailable('unavailable', 'the records could not be passed on; retry shortly'));
      }
      counters.ingestRecords.inc({ outcome: 'accepted' }, body.records.length);
    }
    return this.answer('accepted', { status: 200, body: { accepted: body.records.length, dropped } });
  }

  private answer(result: IngestResult, response: PluginHttpResponse): PluginHttpResponse {
    this.deps.counters.ingestRequests.inc({ result });
    return response;
  }
}

function refusal(status: number, code: string, reason: string, headers?: Record<string, string>): PluginHttpResponse {
  return { status, ...(headers && { headers }), body: { code, reason } };
}

function unavailable(code: string, reason: string): PluginHttpResponse {
  return refusal(503, code, reason, { 'retry-after': RETRY_AFTER_SECONDS });
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'unknown';
}
