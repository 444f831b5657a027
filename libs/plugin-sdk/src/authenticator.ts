// Authenticators turn the credentials of a connecting client into a Subject.
import type { Subject } from './authorizer';
import type { PluginLogger } from './plugin-logger';

export interface Credentials {
  /** Bearer token from `auth.token` or the `Authorization` header. Never log it. */
  readonly token: string;
}

export type AuthenticationResult =
  | { readonly ok: true; readonly subject: Subject; /** When the credentials stop being valid. */ readonly expiresAt?: Date }
  /** `reason` is for our logs and audit; clients only ever see `unauthenticated`. */
  | { readonly ok: false; readonly reason: string };

export interface AuthenticateContext {
  readonly signal: AbortSignal;
  readonly logger: PluginLogger;
}

export interface Authenticator {
  /** Local name; configuration refers to it as `<pluginId>.<name>`. */
  readonly name: string;
  authenticate(credentials: Credentials, ctx: AuthenticateContext): Promise<AuthenticationResult>;
}
