// The agent's JSON log (@tailgate/process: synchronous, tokens and record lines redacted), each
// line naming its node. The agent logs paths, counts and error codes, never record lines or tokens;
// the redaction is the safety net should an object carrying them reach the log.
import { createProcessLogger, type LogLevel } from '@tailgate/process';
import type pino from 'pino';
import type { Logger } from 'pino';

export function createAgentLogger(level: LogLevel, nodeName: string, destination?: pino.DestinationStream): Logger {
  return createProcessLogger({ service: 'tailgate-agent', level, base: { node: nodeName } }, destination);
}
