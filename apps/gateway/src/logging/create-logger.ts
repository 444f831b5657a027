// The server's JSON log (pino). Tokens, authorization headers and record lines are redacted
// wherever they might appear in a logged object.
import pino, { type Logger } from 'pino';

export const REDACTED_PATHS = [
  'token',
  '*.token',
  'auth.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'line',
  '*.line',
  'records',
  '*.records',
  'password',
  '*.password',
];

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'tailgate-gateway' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  return destination ? pino(options, destination) : pino(options);
}
