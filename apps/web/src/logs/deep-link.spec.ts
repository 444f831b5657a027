import { describe, expect, it } from 'vitest';

import { DEFAULT_DISPLAY, decodeViewLink, encodeViewLink, type ViewLink } from './deep-link';
import { DEFAULT_FILTERS } from './line-filter';
import { EMPTY_CHOICE } from '../selection/watch-choice';

describe('view links', () => {
  it('round-trips every setting', () => {
    const link: ViewLink = {
      choice: {
        source: 'kube-pod-logs.pods',
        namespace: 'team-a',
        workload: { kind: 'deployment', name: 'checkout' },
        pod: 'checkout-7f9-abc',
        labelSelector: 'app=web,tier in (a,b)',
        containers: ['api', 'sidecar'],
        tail: 200,
        since: '15m',
      },
      filters: { search: '/err(or)?/i', onlyMatching: true, include: 'a&b=c#d', exclude: 'health', levels: ['warn', 'error', 'none'] },
      display: { timeZone: 'Europe/Paris', wrap: false },
    };
    expect(decodeViewLink(`#${encodeViewLink(link)}`)).toEqual(link);
  });

  it('writes nothing for the defaults, and reads nothing as the defaults', () => {
    const defaults: ViewLink = { choice: EMPTY_CHOICE, filters: DEFAULT_FILTERS, display: DEFAULT_DISPLAY };
    expect(encodeViewLink(defaults)).toBe('');
    expect(decodeViewLink('')).toEqual(defaults);
  });

  it('never carries a token, whatever the state holds', () => {
    const link = decodeViewLink('source=s&token=secret-token&access_token=x');
    expect(encodeViewLink(link)).toBe('source=s');
  });

  it('falls back to defaults for malformed values', () => {
    const link = decodeViewLink('workload=pod/x&tail=-5&levels=info,bogus');
    expect(link.choice.workload).toBeUndefined();
    expect(link.choice.tail).toBeUndefined();
    expect(link.filters.levels).toEqual(['info']);
  });
});
