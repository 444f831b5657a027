import { describe, expect, it } from 'vitest';

import { refuseIngest } from './ingest-refusal';

describe('refuseIngest', () => {
  it('gives each code the status shippers must see', () => {
    expect(refuseIngest('malformed_json', 'r').status).toBe(400);
    expect(refuseIngest('corrupt_gzip', 'r').status).toBe(400);
    expect(refuseIngest('not_an_object', 'r').status).toBe(400);
    expect(refuseIngest('too_deep', 'r').status).toBe(400);
    expect(refuseIngest('body_too_large', 'r').status).toBe(413);
    expect(refuseIngest('decoded_too_large', 'r').status).toBe(413);
    expect(refuseIngest('too_many_records', 'r').status).toBe(413);
    expect(refuseIngest('unsupported_encoding', 'r').status).toBe(415);
    expect(refuseIngest('unsupported_media_type', 'r').status).toBe(415);
  });

  it('is a refusal carrying its code and reason', () => {
    expect(refuseIngest('too_deep', 'record 2 nests too deep')).toEqual({
      ok: false,
      status: 400,
      code: 'too_deep',
      reason: 'record 2 nests too deep',
    });
  });
});
