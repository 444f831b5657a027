// The agent's JSON log (pino). The agent logs paths, counts and error codes, never record lines or
// tokens; the redaction below is the safety net should an object carrying them reach the log.
import pino, { type Logger } from 'pino';

const REDACTED_PATHS = ['line', '*.line', 'records', '*.records', 'token', '*.token', 'authorization', '*.authorization'];

export type AgentLogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export function createAgentLogger(level: AgentLogLevel, nodeName: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'tailgate-agent', node: nodeName },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  return destination ? pino(options, destination) : pino(options);
}
