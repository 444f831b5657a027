import { describe, expect, it } from 'vitest';

import { arrivedRecordsJson, decodeBusMessage, encodeBusMessage, toWireRecord } from './bus-message';

describe('bus messages', () => {
  it('decodes target and end messages through the schema', () => {
    const target = { t: 'target', op: 'added', target: { ns: 'n', pod: 'p', container: 'c' } } as const;
    expect(decodeBusMessage(encodeBusMessage(target))).toEqual(target);
    expect(decodeBusMessage(encodeBusMessage({ t: 'end', reason: 'complete' }))).toEqual({ t: 'end', reason: 'complete' });
  });

  it('carries why a target was removed, and only a known reason', () => {
    const target = { ns: 'n', pod: 'p', container: 'c' };
    for (const reason of ['completed', 'deleted', 'failed'] as const) {
      const removed = { t: 'target', op: 'removed', target, reason } as const;
      expect(decodeBusMessage(encodeBusMessage(removed))).toEqual(removed);
    }
    expect(decodeBusMessage(encodeBusMessage({ t: 'target', op: 'removed', target }))).toEqual({ t: 'target', op: 'removed', target });
    expect(decodeBusMessage(JSON.stringify({ t: 'target', op: 'removed', target, reason: 'evicted' }))).toBeUndefined();
    expect(decodeBusMessage(JSON.stringify({ t: 'target', op: 'removed', target, reason: 7 }))).toBeUndefined();
    expect(decodeBusMessage(JSON.stringify({ t: 'target', op: 'gone', target }))).toBeUndefined();
  });

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
    const good = { ts: 't', ns: 'n', pod: 'p', container: 'c', stream: 'stdout', line: 'l', cursor: '1' };
    const bad = [
      { ...good, stream: 'stdin' },
      { ...good, line: 5 },
      { ...good, node: 7 },
      { ...good, extra: 'field' },
      { ts: 't', ns: 'n', pod: 'p', container: 'c', stream: 'stdout', line: 'l' },
    ].map((record) => JSON.stringify({ t: 'records', records: [good, record] }));
    const rest = [
      '',
      'not json',
      '{}',
      '{"t":"records"}',
      '{"t":"records","records":[],"x":1}',
      '{"t":"end","reason":"because"}',
      '[1,2]',
      'null',
    ];
    for (const raw of [...bad, ...rest]) {
      expect(decodeBusMessage(raw)).toBeUndefined();
    }
  });

  it("keeps a batch's records JSON as it arrived, with or without a fence, and only in our encoder's layout", () => {
    const record = { ts: 't', ns: 'n', pod: 'p', container: 'c', stream: 'stdout', line: 'a "records": ]}', cursor: '1' } as const;
    for (const fence of [undefined, 7]) {
      const decoded = decodeBusMessage(encodeBusMessage({ t: 'records', records: [record], fence }));
      if (decoded?.t !== 'records') throw new Error('not decoded');
      expect(arrivedRecordsJson(decoded.records)).toBe(JSON.stringify(decoded.records));
    }
    const other = JSON.stringify({ ...record, line: 'b' });
    const notOurLayout = [
      `{ "t":"records","records":[${other}]}`,
      `{"records":[${other}],"t":"records"}`,
      // JSON.parse keeps the last key: the first array must never be passed on.
      `{"t":"records","records":[${JSON.stringify(record)}],"records":[${other}]}`,
    ];
    for (const raw of notOurLayout) {
      const decoded = decodeBusMessage(raw);
      if (decoded?.t !== 'records') throw new Error('not decoded');
      expect(decoded.records.map((r) => r.line)).toEqual(['b']);
      expect(arrivedRecordsJson(decoded.records)).toBeUndefined();
    }
    expect(arrivedRecordsJson([record])).toBeUndefined();
  });
});
