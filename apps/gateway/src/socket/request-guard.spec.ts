import { LIMITS } from '@tailgate/contracts';
import { describe, expect, it } from 'vitest';

import { checkRequestPacket } from './request-guard';

function nested(levels: number): unknown {
  let value: unknown = {};
  for (let i = 1; i < levels; i++) value = { selector: value };
  return value;
}

describe('checkRequestPacket', () => {
  const ack = (): void => undefined;

  it('lets every request of the protocol through, with or without an acknowledgement', () => {
    expect(checkRequestPacket(['subscribe', { source: 'node-file.pods' }, ack])).toBeUndefined();
    expect(checkRequestPacket(['unsubscribe', { id: 'x' }])).toBeUndefined();
    expect(checkRequestPacket(['sources.list', ack])).toBeUndefined();
  });

  it.each(['subscribe ', 'Subscribe', '__proto__', 'constructor', 'toString', 'records', 42])(
    'refuses the unknown event %j with invalid_request',
    (event) => {
      expect(checkRequestPacket([event, {}, ack])).toMatchObject({ code: 'invalid_request' });
    },
  );

  it('refuses a selector nested 5,000 levels deep with invalid_request, before any schema sees it', () => {
    const error = checkRequestPacket(['subscribe', { source: 'node-file.pods', selector: nested(5_000) }, ack]);
    expect(error).toEqual({ code: 'invalid_request', message: `request nested deeper than ${LIMITS.maxPayloadDepth} levels` });
  });

  it('checks every argument, and accepts nesting up to the limit', () => {
    expect(checkRequestPacket(['unsubscribe', {}, nested(LIMITS.maxPayloadDepth + 1), ack])).toMatchObject({ code: 'invalid_request' });
    expect(checkRequestPacket(['unsubscribe', nested(LIMITS.maxPayloadDepth), ack])).toBeUndefined();
  });
});
