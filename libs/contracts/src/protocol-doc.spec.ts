// Keeps docs/protocol.md and the contract types from drifting apart.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import {
  CLIENT_EVENTS,
  DENIED_REASONS,
  END_REASONS,
  ERROR_CODES,
  GAP_REASONS,
  LOGS_NAMESPACE,
  PROTOCOL_VERSION,
  SERVER_EVENTS,
  TARGET_END_REASONS,
} from './index';

const doc = readFileSync(join(__dirname, '../../../docs/protocol.md'), 'utf8');

/** First-column code spans of the Markdown table under a heading. */
function tableKeys(heading: string): string[] {
  const section = doc.split(/^## /m).find((s) => s.startsWith(heading)) ?? '';
  return [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1] as string);
}

describe('docs/protocol.md', () => {
  it('documents exactly the error codes of the contract', () => {
    expect(tableKeys('Error codes')).toEqual([...ERROR_CODES]);
  });

  it('documents exactly the client requests of the contract', () => {
    expect(tableKeys('Requests')).toEqual([...CLIENT_EVENTS]);
  });

  it('documents exactly the server events of the contract', () => {
    expect(tableKeys('Events')).toEqual([...SERVER_EVENTS]);
  });

  it('lists every end reason and names the namespace and version', () => {
    const line = doc.split('\n').find((l) => l.startsWith('End reasons:')) ?? '';
    const next = doc.split('\n')[doc.split('\n').indexOf(line) + 1] ?? '';
    expect([...`${line} ${next}`.matchAll(/`([a-z_]+)`/g)].map((m) => m[1])).toEqual([...END_REASONS]);
    expect(doc).toContain(`namespace **\`${LOGS_NAMESPACE}\`**`);
    expect(doc).toContain(`# Tailgate wire protocol, version ${PROTOCOL_VERSION}`);
  });

  it('lists every denied reason', () => {
    const line = doc.split('\n').find((l) => l.startsWith('Denied reasons:')) ?? '';
    const next = doc.split('\n')[doc.split('\n').indexOf(line) + 1] ?? '';
    expect([...`${line} ${next}`.matchAll(/`([a-z_]+)`/g)].map((m) => m[1])).toEqual([...DENIED_REASONS]);
  });

  it('lists every target end reason', () => {
    const line = doc.split('\n').find((l) => l.startsWith('Target end reasons')) ?? '';
    const reasons = line.slice(line.indexOf(':'));
    expect([...reasons.matchAll(/`([a-z_]+)`/g)].map((m) => m[1])).toEqual([...TARGET_END_REASONS]);
  });

  it('explains every gap reason in its section', () => {
    const section = doc.split(/^## /m).find((s) => s.startsWith('Gaps')) ?? '';
    expect([...section.matchAll(/^- `([a-z_]+)`:/gm)].map((m) => m[1])).toEqual([...GAP_REASONS]);
  });
});
