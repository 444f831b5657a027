// The worker's JSON log (@tailgate/process: synchronous, tokens and record lines redacted). The
// worker logs job names, attempts and error codes, never job data, tokens or record lines; the
// redaction is the safety net should an object carrying them (or a password, a secret) reach the log.
import type { TailgateConfig } from '@tailgate/config';
import { createProcessLogger } from '@tailgate/process';
import type pino from 'pino';
import type { Logger } from 'pino';

export function createWorkerLogger(level: TailgateConfig['log']['level'], destination?: pino.DestinationStream): Logger {
  return createProcessLogger({ service: 'tailgate-worker', level, redact: ['password', '*.password', 'secret', '*.secret'] }, destination);
}
