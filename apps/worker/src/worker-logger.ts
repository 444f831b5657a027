// The worker's JSON log (pino). The worker logs job names, attempts and error codes, never job
// data, tokens or record lines; the redaction below is the safety net should an object carrying
// them reach the log.
import type { TailgateConfig } from '@tailgate/config';
import pino, { type Logger } from 'pino';

const REDACTED_PATHS = [
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'line',
  '*.line',
  'records',
  '*.records',
];

export function createWorkerLogger(level: TailgateConfig['log']['level'], destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'tailgate-worker' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  // Written synchronously: the worker logs little, and a line must be out before the next step (and
  // before process.exit after the shutdown), in order.
  return pino(options, destination ?? pino.destination({ dest: 1, sync: true }));
}
