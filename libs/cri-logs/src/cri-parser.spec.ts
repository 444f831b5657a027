import { describe, expect, it } from 'vitest';

import { parseCriLine } from './cri-parser';

const parse = (line: string) => {
  const bytes = Buffer.from(line);
  const entry = parseCriLine(bytes);
  if (!entry) return undefined;
  const { messageStart, ...rest } = entry;
  return { ...rest, message: bytes.toString('utf8', messageStart) };
};

describe('parseCriLine', () => {
  it('reads a full stdout entry', () => {
    expect(parse('2024-05-01T10:00:00.123456789Z stdout F hello world')).toEqual({
      ts: '2024-05-01T10:00:00.123456789Z',
      epochNanos: '01714557600123456789',
      stream: 'stdout',
      partial: false,
      message: 'hello world',
    });
  });

  it('reads a partial stderr entry and keeps spaces in the message', () => {
    expect(parse('2024-05-01T10:00:00Z stderr P  two  spaces ')).toMatchObject({
      stream: 'stderr',
      partial: true,
      message: ' two  spaces ',
    });
  });

  it('reads empty messages with or without the separating space', () => {
    expect(parse('2024-05-01T10:00:00Z stdout F ')?.message).toBe('');
    expect(parse('2024-05-01T10:00:00Z stdout F')?.message).toBe('');
  });

  it('refuses malformed lines', () => {
    for (const line of [
      '',
      'garbage',
      '2024-05-01T10:00:00Z stdout',
      '2024-05-01T10:00:00Z stdin F x',
      '2024-05-01T10:00:00Z stdout X x',
      '2024-05-01T10:00:00Z stdout FP x',
      'yesterday stdout F x',
      '2024-13-01T10:00:00Z stdout F x',
      ' 2024-05-01T10:00:00Z stdout F x',
    ]) {
      expect(parse(line), line).toBeUndefined();
    }
  });
});
