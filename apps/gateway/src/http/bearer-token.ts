// The token of `Authorization: Bearer <token>`; anything else is no token. Shared by every HTTP
// endpoint that authenticates (the audit query, the readable scope).

export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1];
}
