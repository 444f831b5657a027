import { describe, expect, it } from 'vitest';

import {
  deniedEvent,
  droppedEvent,
  endedEvent,
  errorAck,
  gapEvent,
  hiddenEvent,
  recordsEvent,
  targetAddedEvent,
  targetRemovedEvent,
} from './server-event-builders';
import { ACK_SCHEMAS, SERVER_EVENT_SCHEMAS } from './server-event-schemas';
import type { WireRecord } from './server-events';

const record: WireRecord = {
  ts: '2026-12-03T10:00:00Z',
  ns: 'team-a',
  pod: 'api',
  container: 'c',
  stream: 'stdout',
  line: 'secret',
  cursor: '1-1',
};

describe('server event constructors', () => {
  it('build every event exactly as its strict schema has it', () => {
    const built = {
      records: recordsEvent('s', [record]),
      target: targetRemovedEvent('s', record, 'deleted'),
      denied: deniedEvent('s', record, 'forbidden'),
      hidden: hiddenEvent('s', 3),
      dropped: droppedEvent('s', 7),
      gap: gapEvent('s', 'bus_interrupted', [{ target: record, count: 2 }]),
      ended: endedEvent('s', 'complete'),
    };
    for (const [event, payload] of Object.entries(built)) {
      expect(SERVER_EVENT_SCHEMAS[event as keyof typeof built].safeParse(payload).success, event).toBe(true);
    }
  });

  it('copy only a target’s fields when handed a whole record where a target belongs', () => {
    const events = [
      deniedEvent('s', record, 'forbidden'),
      targetAddedEvent('s', record),
      targetRemovedEvent('s', record, undefined),
      gapEvent('s', 'takeover', [{ target: record, count: 1 }]),
    ];
    for (const event of events) {
      const text = JSON.stringify(event);
      for (const value of [record.line, record.cursor, record.ts, 'stdout']) expect(text).not.toContain(value);
    }
    expect(deniedEvent('s', { ...record, node: 'n1' }, 'forbidden').target).toEqual({
      ns: 'team-a',
      pod: 'api',
      container: 'c',
      node: 'n1',
    });
  });

  it('rebuild an error acknowledgement from its fields only', () => {
    const error = Object.assign({ code: 'forbidden' as const, message: 'no' }, { stack: 'at secret' });
    const ack = errorAck(error);
    expect(ack).toEqual({ ok: false, error: { code: 'forbidden', message: 'no' } });
    expect(ACK_SCHEMAS.subscribe.safeParse(ack).success).toBe(true);
  });
});
