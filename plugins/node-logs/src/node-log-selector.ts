// The `query` selector: which node, which journal units (or which file under /var/log), and the
// Node Log Query options. Everything the kubelet would refuse is refused here, at subscribe, with
// a message saying why (kubernetes pkg/kubelet/kubelet_server_journal.go: newNodeLogQuery, validate).
import type { AccessScope } from '@tailgate/plugin-sdk';
import { z } from 'zod';

import { patternProblem } from './pattern-syntax';

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// The kubelet's reServiceNameUnsafeCharacters, inverted; names longer than 256 are refused.
const SERVICE = /^[a-zA-Z0-9\-_.:@]{1,256}$/;
// Go's time.Parse(time.RFC3339, …): any fraction, a zone is required.
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;
export const MAX_SERVICES = 4;
export const MAX_TAIL_LINES = 100_000;

/** A value with `/` or `\` is a file to the kubelet, anything else a service. */
export function isFilePath(entry: string): boolean {
  return /[/\\]/.test(entry);
}

function entryProblem(entry: string): string | undefined {
  if (!isFilePath(entry)) {
    return SERVICE.test(entry) ? undefined : 'a service name has 1-256 letters, digits and - _ . : @ (kubelet, containerd.service)';
  }
  const segments = entry.split('/');
  const safe = !entry.includes('\\') && !entry.startsWith('/') && !entry.endsWith('/') && !segments.includes('..');
  return safe ? undefined : 'a file is a path under /var/log such as pods/audit.log or ./syslog: relative, with /, no .. and no trailing /';
}

const time = (field: string) =>
  z
    .string()
    .max(64)
    .refine(
      (value) => RFC3339.test(value) && !Number.isNaN(Date.parse(value)),
      `${field} must be an RFC 3339 time such as 2024-05-01T10:00:00Z`,
    );

const QueryEntrySchema = z.string().superRefine((entry, ctx) => {
  const problem = entryProblem(entry);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});

export const NodeLogSelectorSchema = z
  .strictObject({
    node: z
      .string()
      .max(253)
      .regex(DNS1123_SUBDOMAIN, 'node must be a node name (a DNS-1123 subdomain)')
      .describe('The node whose logs to read.'),
    query: z
      .union([z.string().transform((entry) => [entry]), z.array(z.string())], {
        error: 'query is a service name, a file path, or a list of up to 4 service names',
      })
      .pipe(
        z
          .array(QueryEntrySchema)
          .min(1, 'query names at least one service or a file')
          .max(MAX_SERVICES, `query names at most ${MAX_SERVICES} services`),
      )
      .describe(`Journal units such as kubelet or containerd (1-${MAX_SERVICES}), or one file path relative to /var/log (with a /).`),
    pattern: z
      .string()
      .min(1)
      .max(1024)
      .superRefine((pattern, ctx) => {
        const problem = patternProblem(pattern);
        if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `pattern: ${problem}` });
      })
      .optional()
      .describe('Only lines matching this regular expression (Go RE2 syntax, passed to journalctl --grep).'),
    boot: z
      .int()
      .max(0, 'boot is 0 (the current boot) or negative (earlier boots)')
      .optional()
      .describe('Only this boot: 0 current, -1 the one before, …'),
    sinceTime: time('sinceTime').optional().describe('Only lines at or after this RFC 3339 time (journalctl reads whole seconds).'),
    untilTime: time('untilTime').optional().describe('Only lines up to this RFC 3339 time; the query is then read once, not followed.'),
    tailLines: z
      .int()
      .min(0, `tailLines is 0-${MAX_TAIL_LINES}`)
      .max(MAX_TAIL_LINES, `tailLines is 0-${MAX_TAIL_LINES}`)
      .optional()
      .describe(`Start with the last N lines (0-${MAX_TAIL_LINES}).`),
  })
  .superRefine((selector, ctx) => {
    const files = selector.query.filter(isFilePath);
    if (files.length > 0 && selector.query.length > 1) {
      ctx.addIssue({ code: 'custom', path: ['query'], message: `query names either up to ${MAX_SERVICES} services or exactly one file` });
    } else if (files.length === 1 && hasOptions(selector)) {
      ctx.addIssue({
        code: 'custom',
        path: ['query'],
        message: 'a file query takes no options: pattern, boot, sinceTime, untilTime and tailLines apply to services only',
      });
    }
    if (
      selector.sinceTime !== undefined &&
      selector.untilTime !== undefined &&
      Date.parse(selector.untilTime) < Date.parse(selector.sinceTime)
    ) {
      ctx.addIssue({ code: 'custom', path: ['untilTime'], message: 'untilTime must not be before sinceTime' });
    }
  });
export type NodeLogSelector = z.output<typeof NodeLogSelectorSchema>;

export function hasOptions(selector: Omit<NodeLogSelector, 'node' | 'query'>): boolean {
  const { pattern, boot, sinceTime, untilTime, tailLines } = selector;
  return [pattern, boot, sinceTime, untilTime, tailLines].some((value) => value !== undefined);
}

export function isFileQuery(selector: NodeLogSelector): boolean {
  return selector.query.some(isFilePath);
}

/** Queries that cannot grow: up to a fixed time, or of an earlier boot. Read once, never followed. */
export function isBounded(selector: NodeLogSelector): boolean {
  return selector.untilTime !== undefined || (selector.boot !== undefined && selector.boot < 0);
}

/** What the records' target calls the query: `kubelet`, `kubelet,containerd`, `pods/audit.log`. */
export function queryName(selector: NodeLogSelector): string {
  return selector.query.join(',');
}

export function nodeLogStreamKey(selector: NodeLogSelector): string {
  const { node, query, pattern, boot, sinceTime, untilTime, tailLines } = selector;
  return JSON.stringify([node, query, pattern ?? null, boot ?? null, sinceTime ?? null, untilTime ?? null, tailLines ?? null]);
}

export function nodeLogScope(selector: NodeLogSelector): AccessScope[] {
  return [{ resource: 'nodes/log', node: selector.node }];
}
