// A process's JSON log (pino): ISO timestamps, the level as its label, `service` on every line.
// Tokens, authorization headers and record lines are redacted wherever they might appear in a
// logged object, in every process; each adds what else it might carry (passwords, secrets).
import pino, { type Logger } from 'pino';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Redacted in every process's log. */
const ALWAYS_REDACTED = ['token', '*.token', 'authorization', '*.authorization', 'line', '*.line', 'records', '*.records'];

export interface ProcessLoggerOptions {
  /** `service` of every line: `tailgate-gateway`, `tailgate-agent`, `tailgate-worker`. */
  readonly service: string;
  readonly level: LogLevel;
  /** Paths redacted besides tokens, authorization and record lines. Default none. */
  readonly redact?: readonly string[];
  /** Fields on every line besides `service` (the agent's `node`). Default none. */
  readonly base?: Readonly<Record<string, string>>;
  /**
   * How lines reach stdout when no destination is given. Default `sync`: a line is out before the
   * next step and before process.exit after the shutdown, in order (buffered writes came out of
   * order with the shutdown). `buffered`: pino's own asynchronous stdout, flushed at exit, for a
   * process that logs a lot (the gateway).
   */
  readonly stdout?: 'sync' | 'buffered';
}

export function createProcessLogger(options: ProcessLoggerOptions, destination?: pino.DestinationStream): Logger {
  const loggerOptions: pino.LoggerOptions = {
    level: options.level,
    base: { service: options.service, ...options.base },
    redact: { paths: [...ALWAYS_REDACTED, ...(options.redact ?? [])], censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  if (destination) return pino(loggerOptions, destination);
  return options.stdout === 'buffered' ? pino(loggerOptions) : pino(loggerOptions, pino.destination({ dest: 1, sync: true }));
}
