import { describe, expect, it } from 'vitest';

import { eventFieldSelector, eventScope, EventSelectorSchema, eventStreamKey } from './event-selector';

describe('EventSelectorSchema', () => {
  it('normalises, so equal requests share one stream key', () => {
    const a = EventSelectorSchema.parse({ namespaces: ['b', 'a', 'a'], types: ['Warning', 'Normal'], reasons: ['Failed', 'BackOff'] });
    const b = EventSelectorSchema.parse({ namespaces: ['a', 'b'], reasons: ['BackOff', 'Failed'], format: 'text' });
    expect(a).toEqual({ namespaces: ['a', 'b'], reasons: ['BackOff', 'Failed'], format: 'text' });
    expect(eventStreamKey(a)).toBe(eventStreamKey(b));
  });

  it('states one events scope per namespace, naming the pod when one pod is selected', () => {
    expect(eventScope(EventSelectorSchema.parse({ namespaces: ['a', 'b'] }))).toEqual([
      { resource: 'events', namespace: 'a' },
      { resource: 'events', namespace: 'b' },
    ]);
    expect(eventScope(EventSelectorSchema.parse({ namespaces: ['a'], object: { kind: 'Pod', name: 'web-1' } }))).toEqual([
      { resource: 'events', namespace: 'a', pod: 'web-1' },
    ]);
    expect(eventScope(EventSelectorSchema.parse({ namespaces: ['a'], object: { kind: 'Deployment', name: 'web-1' } }))).toEqual([
      { resource: 'events', namespace: 'a' },
    ]);
  });

  it('lets the apiserver filter what it can', () => {
    const selector = EventSelectorSchema.parse({
      namespaces: ['a'],
      object: { kind: 'Deployment', name: 'web' },
      types: ['Warning'],
      reasons: ['Failed'],
    });
    expect(eventFieldSelector(selector)).toBe('regarding.kind=Deployment,regarding.name=web,type=Warning,reason=Failed');
    expect(eventFieldSelector(EventSelectorSchema.parse({ namespaces: ['a'], reasons: ['A', 'B'] }))).toBeUndefined();
  });
});
