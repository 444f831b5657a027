// Turns a bearer token into a Subject by asking the configured authenticators in order. The
// token is never logged; a refusal says only `unauthenticated`. Reading the token out of a
// handshake is read-handshake.ts; limits on connecting are connections/connection-admission.ts.
import type { PluginRegistry } from '@tailgate/plugin-host';
import type { AuthenticationResult, PluginLogger } from '@tailgate/plugin-sdk';

import type { GatewayMetrics } from '../metrics/gateway-metrics';

export class AuthenticationService {
  constructor(
    private readonly registry: PluginRegistry,
    /** Asked in this order; named by the audit trail when none accepts a token. */
    readonly authenticators: readonly string[],
    private readonly metrics: GatewayMetrics,
    private readonly logger: PluginLogger,
  ) {}

  async authenticate(token: string | undefined): Promise<AuthenticationResult> {
    if (token === undefined || token === '') return this.refuse('missing_token');
    for (const name of this.authenticators) {
      const authenticator = this.registry.authenticators.get(name);
      if (!authenticator) continue;
      try {
        const result = await authenticator.authenticate({ token }, { signal: AbortSignal.timeout(10_000), logger: this.logger });
        if (result.ok) return result;
        this.metrics.authenticatorRejections.inc({ authenticator: name, reason: 'rejected' });
      } catch (error) {
        this.metrics.authenticatorRejections.inc({ authenticator: name, reason: 'error' });
        this.logger.warn({ authenticator: name, err: error instanceof Error ? error.name : 'unknown' }, 'authenticator failed');
      }
    }
    return this.refuse('rejected');
  }

  private refuse(reason: 'missing_token' | 'rejected'): AuthenticationResult {
    this.metrics.authFailures.inc({ reason });
    return { ok: false, reason };
  }
}
