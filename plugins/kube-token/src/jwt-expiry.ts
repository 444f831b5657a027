// Reads the `exp` claim of a token that looks like a JWT, without verifying it: it only ever
// shortens how long we trust the apiserver's answer, it never lengthens it.

/** The token's `exp` as a Date, or undefined when the token is not a JWT with a numeric `exp`. */
export function jwtExpiry(token: string): Date | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[1] === undefined || !/^[A-Za-z0-9_-]+$/.test(parts[1])) return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const exp = (claims as { exp?: unknown } | null)?.exp;
  if (typeof exp !== 'number' || !Number.isFinite(exp) || exp <= 0) return undefined;
  return new Date(exp * 1000);
}
