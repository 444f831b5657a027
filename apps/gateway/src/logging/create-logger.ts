// The server's JSON log (@tailgate/process's, buffered: the gateway logs a lot). Tokens,
// authorization headers, passwords and record lines are redacted wherever they might appear in a
// logged object.
import { createProcessLogger, type LogLevel } from '@tailgate/process';
import type pino from 'pino';
import type { Logger } from 'pino';

export type { LogLevel };

/** Redacted besides what every process redacts (tokens, authorization, record lines). */
const GATEWAY_REDACTED_PATHS = ['auth.token', 'headers.authorization', 'req.headers.authorization', 'password', '*.password'];

export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  return createProcessLogger({ service: 'tailgate-gateway', level, redact: GATEWAY_REDACTED_PATHS, stdout: 'buffered' }, destination);
}
