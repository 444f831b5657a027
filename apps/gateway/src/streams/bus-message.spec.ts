import { describe, expect, it } from 'vitest';

import { decodeBusMessage, encodeBusMessage, toWireRecord } from './bus-message';

describe('bus messages', () => {
  it('round-trips records in wire form', () => {
    const record = toWireRecord({
      ts: 't',
      target: { namespace: 'n', pod: 'p', container: 'c', node: 'x' },
      stream: 'stderr',
      line: 'é 🚀',
      cursor: '1',
    });
    expect(decodeBusMessage(encodeBusMessage({ t: 'records', records: [record] }))).toEqual({ t: 'records', records: [record] });
  });

  it('refuses anything that is not one of our messages', () => {
    for (const raw of ['', 'not json', '{}', '{"t":"records"}', '{"t":"end","reason":"because"}', '[1,2]', 'null']) {
      expect(decodeBusMessage(raw)).toBeUndefined();
    }
  });
});
