import { describe, expect, it } from 'vitest';

import { isReadableMediaType, mediaTypeOf } from './media-type';

describe('mediaTypeOf', () => {
  it('lower-cases and drops parameters', () => {
    expect(mediaTypeOf('Application/JSON; charset=utf-8')).toBe('application/json');
    expect(mediaTypeOf(undefined)).toBe('');
  });
});

describe('isReadableMediaType', () => {
  it('reads what JSON shippers send, and bodies with no or a generic type (sniffed)', () => {
    for (const type of [
      undefined,
      'application/json',
      'application/x-ndjson',
      'application/json; charset=utf-8',
      'text/plain',
      'application/octet-stream',
      'application/x-www-form-urlencoded',
    ]) {
      expect(isReadableMediaType(type), String(type)).toBe(true);
    }
  });

  it('refuses msgpack (fluent-bit, fluentd) and the text formats fluentd can be set to', () => {
    for (const type of [
      'application/msgpack',
      'application/x-msgpack',
      'Application/X-MsgPack; x=1',
      'text/csv',
      'text/tab-separated-values',
    ]) {
      expect(isReadableMediaType(type), type).toBe(false);
    }
  });
});
