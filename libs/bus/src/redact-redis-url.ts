// A Redis URL fit for logs and error messages: the password never leaves this function.

/** `redis://user:secret@host:6379/0` → `redis://user:***@host:6379/0`; unparsable input is not echoed. */
export function redactRedisUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '(unparsable Redis URL)';
  }
  if (parsed.password !== '') parsed.password = '***';
  return parsed.toString();
}
