// Desktop mode's automatic sign-in: `GET <base>/api/v1/session` answers `{ token }` when the
// gateway runs for one local user; 204 (or anything else) means "sign in with a token".
import { z } from 'zod';

const SessionSchema = z.object({
  token: z
    .string()
    .min(1)
    .max(16 * 1024),
});

export async function fetchSessionToken(base: string, signal?: AbortSignal): Promise<string | undefined> {
  try {
    const response = await fetch(`${base}/api/v1/session`, { headers: { accept: 'application/json' }, credentials: 'same-origin', signal });
    if (!response.ok) return undefined;
    const parsed = SessionSchema.safeParse(await response.json());
    return parsed.success ? parsed.data.token : undefined;
  } catch {
    // No gateway endpoint here (another origin, a static server): sign in by hand.
    return undefined;
  }
}
