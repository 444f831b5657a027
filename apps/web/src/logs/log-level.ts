// A log line's level, read from what common loggers write: JSON fields (`level`, `lvl`,
// `severity`, `log.level`, bunyan/pino numbers), logfmt `level=`, or a leading `INFO`/`ERROR` word.
// Pure and cheap: called once per record as it arrives, never per render.

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const NAMES: Readonly<Record<string, LogLevel>> = {
  trace: 'trace',
  trc: 'trace',
  debug: 'debug',
  dbg: 'debug',
  info: 'info',
  inf: 'info',
  information: 'info',
  notice: 'info',
  warn: 'warn',
  wrn: 'warn',
  warning: 'warn',
  error: 'error',
  err: 'error',
  eror: 'error',
  fatal: 'fatal',
  crit: 'fatal',
  critical: 'fatal',
  alert: 'fatal',
  emerg: 'fatal',
  emergency: 'fatal',
  panic: 'fatal',
};

/** bunyan and pino: 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal. */
function fromNumber(value: number): LogLevel | undefined {
  if (!Number.isFinite(value) || value < 10) return undefined;
  return LOG_LEVELS[Math.min(Math.floor(value / 10) - 1, LOG_LEVELS.length - 1)];
}

/** A level name in any case (`WARNING`, `Err`), or a bunyan number, or nothing. */
export function levelFromValue(value: unknown): LogLevel | undefined {
  if (typeof value === 'number') return fromNumber(value);
  if (typeof value !== 'string') return undefined;
  const named = NAMES[value.trim().toLowerCase()];
  if (named !== undefined) return named;
  return /^\d+$/.test(value) ? fromNumber(Number(value)) : undefined;
}

const LEVEL_FIELDS = ['level', 'lvl', 'severity', 'loglevel', 'log.level', 'levelname', 'severity_text'] as const;

function levelFromObject(object: Readonly<Record<string, unknown>>): LogLevel | undefined {
  for (const field of LEVEL_FIELDS) {
    const level = levelFromValue(object[field]);
    if (level !== undefined) return level;
  }
  const log = object['log'];
  if (typeof log === 'object' && log !== null) return levelFromValue((log as Record<string, unknown>)['level']);
  return undefined;
}

/** A JSON object line, or undefined (cheap refusal for lines that cannot be one). */
export function parseJsonObject(line: string): Readonly<Record<string, unknown>> | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) return undefined;
  try {
    const value: unknown = JSON.parse(trimmed);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const LOGFMT_LEVEL = /(?:^|\s)(?:level|lvl|severity)=("?)([A-Za-z]+|\d+)\1(?=\s|$)/;
const LEADING_WORD = /^\s*\[?(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRITICAL|PANIC)\b/;

export interface ParsedLine {
  readonly level?: LogLevel;
  /** True when the line is a JSON object. */
  readonly json: boolean;
}

export function parseLine(line: string): ParsedLine {
  const object = parseJsonObject(line);
  if (object !== undefined) {
    const level = levelFromObject(object);
    return level === undefined ? { json: true } : { json: true, level };
  }
  const logfmt = LOGFMT_LEVEL.exec(line);
  const level = levelFromValue(logfmt?.[2]) ?? levelFromValue(LEADING_WORD.exec(line)?.[1]);
  return level === undefined ? { json: false } : { json: false, level };
}
