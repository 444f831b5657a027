import { describe, expect, it } from 'vitest';

import { CliError } from '../cli-error';
import { EXIT_CODES } from '../exit-codes';
import { DEFAULT_SINCE_MS, type LogsFlags, resolveLogsSettings } from './logs-settings';

const resolve = (query: string | undefined, flags: LogsFlags = {}, defaults = {}) => resolveLogsSettings(query, flags, defaults);
const usage = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(EXIT_CODES.usage);
    return (error as CliError).message;
  }
  throw new Error('no usage error');
};

describe('tailgate logs settings', () => {
  it("uses stern's defaults, with --since 24h (the server's default limit) and every namespace", () => {
    const settings = resolve('web');
    expect(settings).toMatchObject({
      query: { kind: 'pattern', pattern: 'web' },
      namespaces: [],
      allNamespaces: true,
      container: '.*',
      initContainers: true,
      ephemeralContainers: true,
      since: { ms: DEFAULT_SINCE_MS, explicit: false },
      tail: -1,
      follow: true,
      previous: false,
      timezone: 'Local',
      output: 'default',
      color: 'auto',
      onlyLogLines: false,
    });
    expect(settings.timestamps).toBeUndefined();
  });

  it('reads <resource>/<name> queries with kubectl short names', () => {
    expect(resolve('deploy/web').query).toEqual({ kind: 'resource', resource: 'deployment', name: 'web' });
    expect(resolve('sts/db').query).toEqual({ kind: 'resource', resource: 'statefulset', name: 'db' });
    expect(resolve('pod/web-0').query).toEqual({ kind: 'resource', resource: 'pod', name: 'web-0' });
    expect(usage(() => resolve('service/web'))).toContain('a resource query is <kind>/<name>');
  });

  it('takes namespaces repeated or comma-separated, without duplicates; -A wins', () => {
    expect(resolve('x', { namespace: ['a', 'b', 'a'] })).toMatchObject({ namespaces: ['a', 'b'], allNamespaces: false });
    expect(resolve('x', { namespace: ['a'], allNamespaces: true })).toMatchObject({ namespaces: [], allNamespaces: true });
  });

  it('takes defaults from the config file, and flags over them', () => {
    const defaults = { namespace: ['team-a'], output: 'raw' as const, tail: 10, timestamps: 'short' as const, 'no-follow': true };
    expect(resolve('x', {}, defaults)).toMatchObject({
      namespaces: ['team-a'],
      output: 'raw',
      tail: 10,
      timestamps: 'short',
      follow: false,
    });
    expect(resolve('x', { namespace: ['b'], output: 'json', tail: '5', follow: true }, defaults)).toMatchObject({
      namespaces: ['b'],
      output: 'json',
      tail: 5,
      follow: true,
    });
  });

  it('reads -t alone as the default format, --timestamps=short, and gives `-t query` its query back', () => {
    expect(resolve('x', { timestamps: true }).timestamps).toBe('default');
    expect(resolve('x', { timestamps: 'short' }).timestamps).toBe('short');
    expect(resolve(undefined, { timestamps: 'web' })).toMatchObject({ query: { kind: 'pattern', pattern: 'web' }, timestamps: 'default' });
    expect(usage(() => resolve('x', { timestamps: 'long' }))).toContain('--timestamps');
  });

  it('reads --since as a Go duration, marking it as chosen', () => {
    expect(resolve('x', { since: '1h30m' }).since).toEqual({ ms: 5_400_000, explicit: true });
    expect(usage(() => resolve('x', { since: '2d' }))).toContain('--since');
  });

  it('refuses what stern refuses, as usage errors', () => {
    expect(usage(() => resolve(undefined))).toContain('one of a pod query, --selector, --field-selector or --stdin is required');
    expect(usage(() => resolve('deployment/web', { selector: 'app=web' }))).toContain('cannot be set at the same time');
    expect(usage(() => resolve('x', { follow: false, tail: '0' }))).toContain('--no-follow cannot be used with --tail=0');
    expect(usage(() => resolve('x', { tail: '10001' }))).toContain('--tail');
    expect(usage(() => resolve('x', { output: 'yaml' }))).toContain('--output');
    expect(usage(() => resolve('x', { color: 'sometimes' }))).toContain('--color');
    expect(usage(() => resolve('x', { include: ['('] }))).toBe('--include: not a valid regular expression');
    expect(usage(() => resolve('(', {}))).toBe('the pod query: not a valid regular expression');
    expect(usage(() => resolve('x', { timezone: 'Mars/Base' }))).toContain('--timezone');
  });

  it('needs no query with --stdin, --selector or --field-selector', () => {
    expect(resolve(undefined, { stdin: true }).stdin).toBe(true);
    expect(resolve(undefined, { selector: 'app=web' }).selector).toBe('app=web');
    expect(resolve(undefined, { fieldSelector: 'spec.nodeName=n1' }).fieldSelector).toBe('spec.nodeName=n1');
  });

  it('lets --template-file win over --template', () => {
    expect(resolve('x', { template: '{{.Message}}', templateFile: '/t.tpl' }).template).toEqual({ file: '/t.tpl' });
    expect(resolve('x', { template: '{{.Message}}' }).template).toEqual({ text: '{{.Message}}' });
  });
});
