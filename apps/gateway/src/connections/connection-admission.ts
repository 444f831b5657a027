// Decides whether a /logs connection may open, in order: the client address's connection rate,
// the handshake (`auth` and protocol version), the failing-credential rate (before any
// authenticator is asked), authentication, then the user's open connections. Every refusal is
// counted and logged without the token; a run of rate-limit refusals logs one warning. A failed
// authentication is also an audit event (sourceIPs, user agent, the connection's id).
import type { IncomingHttpHeaders } from 'node:http';

import type { AuditConnection } from '@tailgate/audit';
import type { ConnectionsConfig } from '@tailgate/config';
import type { ConnectErrorData } from '@tailgate/contracts';
import type { PluginLogger, Subject } from '@tailgate/plugin-sdk';

import type { GatewayAudit } from '../audit/gateway-audit';
import type { AuthenticationService } from '../auth/authentication.service';
import { readHandshake } from '../auth/read-handshake';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import { clientAddress } from './client-address';
import { credentialFingerprinter } from './credential-fingerprint';
import { KeyedRateLimit, type RateDecision } from './keyed-rate-limit';
import { sourceIPs } from './source-ips';
import { UserConnections } from './user-connections';

export interface ConnectionAttempt {
  /** The TCP peer address. */
  readonly peer: string;
  readonly headers: IncomingHttpHeaders;
  /** The handshake's `auth`, as the client sent it. */
  readonly auth: unknown;
  /** The id the connection will have (its socket id), to correlate audit events and logs. */
  readonly connectionId: string;
}

export type Admission =
  | {
      readonly ok: true;
      readonly subject: Subject;
      readonly token: string;
      /** Where it came from, as the audit trail records it. */
      readonly connection: AuditConnection;
      readonly expiresAt?: Date;
      /** Gives the user's connection slot back; call once the connection is gone (more calls do nothing). */
      readonly release: () => void;
    }
  | { readonly ok: false; readonly error: ConnectErrorData };

type RefusalReason = 'address_rate' | 'handshake' | 'credential_rate' | 'user_connections';

const REFUSALS = {
  address_rate: { code: 'rate_limited', message: 'too many connection attempts from this address; retry later' },
  credential_rate: { code: 'rate_limited', message: 'too many failed attempts with this token; retry later' },
  user_connections: { code: 'rate_limited', message: 'too many open connections for this user; close one first' },
  unauthenticated: { code: 'unauthenticated', message: 'a valid bearer token is required' },
} as const satisfies Record<string, ConnectErrorData>;

export class ConnectionAdmission {
  private readonly addresses: KeyedRateLimit;
  private readonly failingCredentials: KeyedRateLimit;
  private readonly users: UserConnections;
  private readonly fingerprint = credentialFingerprinter();

  constructor(
    private readonly authentication: Pick<AuthenticationService, 'authenticate' | 'authenticators'>,
    private readonly config: ConnectionsConfig,
    private readonly metrics: GatewayMetrics,
    private readonly audit: Pick<GatewayAudit, 'authenticationFailed'>,
    private readonly logger: PluginLogger,
    now: () => number = Date.now,
  ) {
    const { perAddressPerMinute, perAddressBurst, failuresPerCredentialPerMinute, failuresPerCredentialBurst, trackedKeys } = config;
    this.addresses = new KeyedRateLimit({ perMinute: perAddressPerMinute, burst: perAddressBurst }, trackedKeys, now);
    this.failingCredentials = new KeyedRateLimit(
      { perMinute: failuresPerCredentialPerMinute, burst: failuresPerCredentialBurst },
      trackedKeys,
      now,
    );
    this.users = new UserConnections(config.maxPerUser);
  }

  async admit(attempt: ConnectionAttempt): Promise<Admission> {
    const address = clientAddress(attempt.peer, attempt.headers, this.config.clientAddressHeader);
    const byAddress = this.addresses.take(address);
    if (!byAddress.allowed) return this.refuse('address_rate', REFUSALS.address_rate, { address }, byAddress);
    const handshake = readHandshake(attempt.auth, attempt.headers.authorization);
    if (!handshake.ok) return this.refuse('handshake', handshake.error, { address });
    const fingerprint = handshake.token === undefined ? undefined : this.fingerprint(handshake.token);
    if (fingerprint !== undefined && this.failingCredentials.exhausted(fingerprint)) {
      return this.refuse('credential_rate', REFUSALS.credential_rate, { address }, this.failingCredentials.take(fingerprint));
    }
    const result = await this.authentication.authenticate(handshake.token);
    const connection = this.connectionOf(attempt);
    if (!result.ok) {
      if (fingerprint !== undefined) this.failingCredentials.take(fingerprint);
      const tokenOffered = handshake.token !== undefined;
      const authenticator = tokenOffered ? this.authentication.authenticators.join(',') : undefined;
      const auditID = this.audit.authenticationFailed(connection, { tokenOffered, reason: result.reason, authenticator });
      const context = { address, connection: attempt.connectionId, auditID, reason: result.reason };
      this.logger.info(context, 'connection refused: authentication failed');
      return { ok: false, error: REFUSALS.unauthenticated };
    }
    const user = result.subject.user;
    if (!this.users.tryOpen(user)) return this.refuse('user_connections', REFUSALS.user_connections, { address, user });
    return {
      ok: true,
      subject: result.subject,
      token: handshake.token ?? '',
      connection,
      ...(result.expiresAt && { expiresAt: result.expiresAt }),
      release: this.slotOf(user),
    };
  }

  private connectionOf(attempt: ConnectionAttempt): AuditConnection {
    const userAgent = attempt.headers['user-agent'];
    return {
      sourceIPs: sourceIPs(attempt.peer, attempt.headers, this.config.clientAddressHeader),
      ...(userAgent !== undefined && { userAgent }),
      connectionId: attempt.connectionId,
    };
  }

  /**
   * Gives one of `user`'s slots back, once however often it is called. Returned unnamed: it lives
   * as long as its connection, and a function given a name under tsx/esbuild (keepNames) carries
   * a dictionary of properties, about 250 bytes more per connection.
   */
  private slotOf(user: string): () => void {
    let open = true;
    return () => {
      if (open) this.users.close(user);
      open = false;
    };
  }

  private refuse(reason: RefusalReason, error: ConnectErrorData, context: object, rate?: RateDecision): Admission {
    this.metrics.connectionRefusals.inc({ reason });
    if (rate === undefined) this.logger.info({ ...context, reason }, 'connection refused');
    else if (rate.firstRefusal)
      this.logger.warn({ ...context, reason }, 'connection refused: rate limited (until it lifts, at debug level)');
    else this.logger.debug({ ...context, reason }, 'connection refused: rate limited');
    return { ok: false, error };
  }
}
