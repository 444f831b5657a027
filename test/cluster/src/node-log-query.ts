// Node Log Query (GET /logs/?query=…) as the kubelet parses and validates it, ported from
// kubernetes v1.36 pkg/kubelet/kubelet_server_journal.go (newNodeLogQuery, validate) and
// pkg/kubelet/kubelet.go (the /logs/ handler). Parse errors answer 400, validation errors 406.
import { compileJournalPattern } from './journal-pattern';

const MAX_TAIL_LINES = 100_000;
const MAX_SERVICE_LENGTH = 256;
const MAX_SERVICES = 4;
const UNSAFE_SERVICE_CHARS = /[^a-zA-Z\-_.:0-9@]+/;

export interface NodeLogQuery {
  readonly services: readonly string[];
  readonly files: readonly string[];
  readonly sinceTime?: QueryTime;
  readonly untilTime?: QueryTime;
  readonly tailLines?: number;
  readonly boot?: number;
  readonly pattern?: string;
}

/** An RFC3339 parameter: its instant, and how Go renders the parsed time.Time (RFC3339Nano). */
export interface QueryTime {
  readonly ms: number;
  readonly goText: string;
}

export type ParseResult =
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'none' }
  | { readonly kind: 'query'; readonly query: NodeLogQuery };

/** A field.Error rendered like apimachinery's `field.Invalid(...).Error()`. */
function invalid(field: string, value: unknown, detail: string): string {
  return `${field}: Invalid value: ${JSON.stringify(value)}: ${detail}`;
}

/** apimachinery's ErrorList.ToAggregate().Error(): one message bare, several in brackets. */
export function aggregate(errors: readonly string[]): string {
  const unique = [...new Set(errors)];
  return unique.length === 1 ? (unique[0] ?? '') : `[${unique.join(', ')}]`;
}

// Go's time.Parse(time.RFC3339, …): a fractional part is accepted, a zone is required.
const RFC3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/;

function parseTime(field: string, raw: string, errors: string[]): QueryTime | undefined {
  const match = RFC3339.exec(raw);
  const ms = match === null ? Number.NaN : Date.parse(raw);
  if (match === null || Number.isNaN(ms)) {
    errors.push(invalid(field, raw, 'invalid time format'));
    return undefined;
  }
  const [, whole = '', fraction = '', zone = ''] = match;
  // RFC3339Nano drops trailing zeros of the fraction, and writes a zero offset as Z.
  const nanos = fraction.slice(0, 9).replace(/0+$/, '');
  return { ms, goText: `${whole}${nanos === '' ? '' : `.${nanos}`}${/^[+-]00:00$/.test(zone) ? 'Z' : zone}` };
}

function parseInteger(field: string, raw: string, errors: string[]): number | undefined {
  const problem = !/^[+-]?\d+$/.test(raw) ? 'invalid syntax' : Math.abs(Number(raw)) > 2 ** 63 - 1 ? 'value out of range' : undefined;
  if (problem !== undefined) {
    errors.push(invalid(field, raw, `strconv.Atoi: parsing ${JSON.stringify(raw)}: ${problem}`));
    return undefined;
  }
  return Number(raw);
}

/** newNodeLogQuery: `none` when no known parameter is present (the request is a plain file fetch). */
export function parseNodeLogQuery(params: URLSearchParams): ParseResult {
  const errors: string[] = [];
  const services: string[] = [];
  const files: string[] = [];
  const queries = params.getAll('query');
  for (const q of queries) {
    if (/[/\\]/.test(q)) files.push(q);
    else if (q.trim() !== '') services.push(q);
  }
  if (params.has('query') && files.length === 0 && services.length === 0) {
    errors.push(invalid('query', queries, 'may not be empty'));
  }
  const get = (name: string): string => params.get(name) ?? '';
  const sinceTime = get('sinceTime') === '' ? undefined : parseTime('sinceTime', get('sinceTime'), errors);
  const untilTime = get('untilTime') === '' ? undefined : parseTime('untilTime', get('untilTime'), errors);
  const boot = get('boot') === '' ? undefined : parseInteger('boot', get('boot'), errors);
  const tailLines = get('tailLines') === '' ? undefined : parseInteger('tailLines', get('tailLines'), errors);
  const pattern = get('pattern') === '' ? undefined : get('pattern');
  if (errors.length > 0) return { kind: 'error', message: aggregate(errors) };
  const query: NodeLogQuery = { services, files, sinceTime, untilTime, tailLines, boot, pattern };
  const empty =
    services.length === 0 && files.length === 0 && [sinceTime, untilTime, tailLines, boot, pattern].every((v) => v === undefined);
  return empty ? { kind: 'none' } : { kind: 'query', query };
}

export function hasOptions(q: NodeLogQuery): boolean {
  return [q.sinceTime, q.untilTime, q.tailLines, q.boot, q.pattern].some((v) => v !== undefined);
}

/** nodeLogQuery.validate(); `statFile` answers like os.Root.Stat (an error message, or undefined when the file exists). */
export function validateNodeLogQuery(q: NodeLogQuery, statFile: (path: string) => string | undefined): string[] {
  const errors: string[] = [];
  for (const s of q.services) {
    if (s.length > MAX_SERVICE_LENGTH) errors.push(invalid('query', s, `length must be less than ${MAX_SERVICE_LENGTH}`));
    else if (UNSAFE_SERVICE_CHARS.test(s)) errors.push(invalid('query', s, 'input contains unsupported characters'));
  }
  if (q.services.length > MAX_SERVICES) {
    errors.push(`query: Too many: ${q.services.length}: must have at most ${MAX_SERVICES} items`);
  }
  const file = q.files[0];
  if (q.files.length === 0 && q.services.length === 0) {
    errors.push('query: Required value: cannot be empty with options');
  } else if (q.files.length > 0 && q.services.length > 0) {
    errors.push(invalid('query', `[${q.files.join(' ')}], [${q.services.join(' ')}]`, 'cannot specify a file and service'));
  } else if (q.files.length > 1) {
    errors.push(invalid('query', q.files, 'cannot specify more than one file'));
  } else if (file !== undefined && hasOptions(q)) {
    errors.push(invalid('query', q.files, 'cannot specify file with options'));
  } else if (file !== undefined) {
    const problem = statFile(file);
    if (problem !== undefined) errors.push(invalid('query', q.files, problem));
  }
  if (q.sinceTime !== undefined && q.untilTime !== undefined && q.sinceTime.ms > q.untilTime.ms) {
    errors.push(invalid('untilTime', q.untilTime.goText, 'must be after `sinceTime`'));
  }
  if (q.boot !== undefined && q.boot > 0) errors.push(invalid('boot', q.boot, 'must be less than 1'));
  if (q.tailLines !== undefined && (q.tailLines < 0 || q.tailLines > MAX_TAIL_LINES)) {
    errors.push(invalid('tailLines', q.tailLines, `must be between 0 and ${MAX_TAIL_LINES}, inclusive`));
  }
  const pattern = q.pattern === undefined ? undefined : compileJournalPattern(q.pattern);
  if (pattern?.ok === false) errors.push(invalid('pattern', q.pattern, pattern.problem));
  return errors;
}
