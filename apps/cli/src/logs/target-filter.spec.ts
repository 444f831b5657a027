import { describe, expect, it } from 'vitest';

import { resolveLogsSettings } from './logs-settings';
import { TargetFilter } from './target-filter';

const filter = (query: string, flags = {}) => new TargetFilter(resolveLogsSettings(query, flags, {}));
const t = (ns: string, pod: string, container: string) => ({ ns, pod, container });

describe('client-side target filter', () => {
  it('matches the pod query as an unanchored regular expression, as stern', () => {
    const f = filter('api$');
    expect(f.accepts(t('a', 'checkout-api', 'c'))).toBe(true);
    expect(f.accepts(t('a', 'api-gateway', 'c'))).toBe(false);
  });

  it('keeps only the namespaces asked for', () => {
    const f = filter('.', { namespace: ['team-a'] });
    expect(f.accepts(t('team-a', 'p', 'c'))).toBe(true);
    expect(f.accepts(t('team-b', 'p', 'c'))).toBe(false);
  });

  it('applies --exclude-pod, --container and --exclude-container', () => {
    const f = filter('.', { excludePod: ['^canary-'], container: 'api|web', excludeContainer: ['^web-debug$'] });
    expect(f.accepts(t('n', 'canary-1', 'api'))).toBe(false);
    expect(f.accepts(t('n', 'p', 'sidecar'))).toBe(false);
    expect(f.accepts(t('n', 'p', 'web-debug'))).toBe(false);
    expect(f.accepts(t('n', 'p', 'web'))).toBe(true);
  });

  it('matches a pod/<name> query exactly', () => {
    const f = filter('pod/web-0');
    expect(f.accepts(t('n', 'web-0', 'c'))).toBe(true);
    expect(f.accepts(t('n', 'web-01', 'c'))).toBe(false);
  });
});
