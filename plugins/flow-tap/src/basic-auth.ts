// The credentials of an `Authorization: Basic …` header (RFC 7617), as fluentd's `<auth>` and
// fluent-bit's `http_user`/`http_passwd` send them. Anything else is no credentials at all.

export interface BasicCredentials {
  readonly username: string;
  readonly password: string;
}

const BASIC = /^basic +([A-Za-z0-9+/]+={0,2}) *$/i;

export function parseBasicAuth(header: string | undefined): BasicCredentials | undefined {
  const match = header === undefined ? null : BASIC.exec(header);
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
