import type { SourceDescription } from '@tailgate/contracts';
import { describe, expect, it } from 'vitest';

import { sourcesJson, sourcesTable } from './sources-output';

const SOURCES: SourceDescription[] = [
  {
    id: 'kube-pod-logs.pods',
    description: 'Container logs through the apiserver',
    selector: { type: 'object' },
    supports: { tail: true, since: true, resume: false },
  },
  { id: 'node-file.pods', description: 'CRI files on the node', selector: {}, supports: { tail: true, since: false, resume: true } },
];

describe('sourcesTable', () => {
  it('has a row per source with what it supports, in aligned columns', () => {
    expect(sourcesTable(SOURCES)).toBe(
      [
        'ID                  TAIL  SINCE  RESUME  DESCRIPTION',
        'kube-pod-logs.pods  yes   yes    no      Container logs through the apiserver',
        'node-file.pods      yes   no     yes     CRI files on the node',
        '',
      ].join('\n'),
    );
  });

  it('is only the header when nothing is offered', () => {
    expect(sourcesTable([])).toBe('ID  TAIL  SINCE  RESUME  DESCRIPTION\n');
  });
});

describe('sourcesJson', () => {
  it('is the sources as the protocol describes them', () => {
    expect(JSON.parse(sourcesJson(SOURCES))).toEqual(SOURCES);
  });

  it('carries no field beyond the protocol’s', () => {
    const extra = [{ ...SOURCES[0]!, internal: 'x' } as SourceDescription];
    expect(Object.keys((JSON.parse(sourcesJson(extra)) as object[])[0]!)).toEqual(['id', 'description', 'supports', 'selector']);
  });
});
