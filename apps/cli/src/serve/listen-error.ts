// What the user is told when the gateway cannot listen where `tailgate serve` asked: the address
// and the reason, not a stack. Other errors pass through unchanged.
import { CliError } from '../cli-error';

const REASONS: Readonly<Record<string, string>> = {
  EADDRINUSE: 'is in use',
  EACCES: 'needs privileges to listen on',
  EADDRNOTAVAIL: 'is not an address of this machine',
};

export function listenError(error: unknown, host: string, port: number): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason = code === undefined ? undefined : REASONS[code];
  if (reason === undefined) return error;
  return new CliError(`serve: ${host}:${port} ${reason} (${code}); choose another --port or --host`);
}
