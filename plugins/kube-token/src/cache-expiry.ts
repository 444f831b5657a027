// How long an authentication answer may be trusted: never past the token's own expiry.

export interface ExpiryInputs {
  readonly now: number;
  /** `status.expirationTimestamp` from the TokenReview, if any. */
  readonly reviewExpiry?: Date;
  /** The JWT `exp` claim, if the token is a JWT. */
  readonly jwtExpiry?: Date;
  readonly cacheTtlMs: number;
}

/** The token's expiry as far as we know it: the earlier of the review's and the JWT's. */
export function tokenExpiry(inputs: Omit<ExpiryInputs, 'now' | 'cacheTtlMs'>): Date | undefined {
  const known = [inputs.reviewExpiry, inputs.jwtExpiry].filter((d): d is Date => d !== undefined);
  if (known.length === 0) return undefined;
  return new Date(Math.min(...known.map((d) => d.getTime())));
}

/** Epoch ms until which a successful review may be reused: whichever comes first. */
export function cacheUntil(inputs: ExpiryInputs): number {
  const expiry = tokenExpiry(inputs)?.getTime() ?? Infinity;
  return Math.min(expiry, inputs.now + inputs.cacheTtlMs);
}
