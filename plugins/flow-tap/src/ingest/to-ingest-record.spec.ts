import { describe, expect, it } from 'vitest';

import { LINE_CUT_MARKER } from './cut-line';
import { toIngestRecord } from './to-ingest-record';

const KUBERNETES = { namespace_name: 'production', pod_name: 'acme-app-7d4b9c-abcde', container_name: 'app' };
const POD = { namespace: 'production', pod: 'acme-app-7d4b9c-abcde', container: 'app' };

describe('toIngestRecord', () => {
  it('takes the pod, stream, time and message of a containerd (cri parser) record', () => {
    const record = { time: '2024-05-01T10:00:00.123456789Z', stream: 'stderr', logtag: 'F', message: 'boom', kubernetes: KUBERNETES };
    expect(toIngestRecord(record, 1024)).toEqual({ ...POD, stream: 'stderr', time: '2024-05-01T10:00:00.123456789Z', line: 'boom' });
  });

  it('reads the message from log (docker, CRI compatibility) and MESSAGE (syslog-ng), in that order after message', () => {
    expect(toIngestRecord({ log: 'from log\n', kubernetes: KUBERNETES }, 1024)).toMatchObject({ line: 'from log' });
    expect(toIngestRecord({ MESSAGE: 'from syslog', kubernetes: KUBERNETES }, 1024)).toMatchObject({ line: 'from syslog' });
    expect(toIngestRecord({ message: 'm', log: 'l', MESSAGE: 'M', kubernetes: KUBERNETES }, 1024)).toMatchObject({ line: 'm' });
    // A merged JSON log can leave a non-string `message`: the raw `log` line is then the message.
    expect(toIngestRecord({ message: { nested: true }, log: '{"message":{"nested":true}}', kubernetes: KUBERNETES }, 1024)).toMatchObject({
      line: '{"message":{"nested":true}}',
    });
  });

  it('removes one trailing newline only', () => {
    expect(toIngestRecord({ log: 'two\n\n', kubernetes: KUBERNETES }, 1024)).toMatchObject({ line: 'two\n' });
    expect(toIngestRecord({ log: '', kubernetes: KUBERNETES }, 1024)).toMatchObject({ line: '' });
  });

  it('defaults the stream to stdout and has no time when none is valid', () => {
    const record = toIngestRecord({ log: 'x', stream: 'weird', time: 'soon', kubernetes: KUBERNETES }, 1024);
    expect(record).toEqual({ ...POD, stream: 'stdout', line: 'x' });
    expect(record).not.toHaveProperty('time');
  });

  it("uses fluent-bit's date when there is no time", () => {
    expect(toIngestRecord({ date: 1700000000.25, log: 'x', kubernetes: KUBERNETES }, 1024)).toMatchObject({
      time: '2023-11-14T22:13:20.250000000Z',
    });
  });

  it('cuts long messages at the line limit', () => {
    const record = toIngestRecord({ log: 'x'.repeat(1000), kubernetes: KUBERNETES }, 256);
    expect(typeof record !== 'string' && record.line.endsWith(LINE_CUT_MARKER)).toBe(true);
  });

  it('never keeps labels, annotations or any other field of the body', () => {
    const record = toIngestRecord(
      {
        log: 'x',
        labels: { 'rbac/policy': 'allow' },
        kubernetes: { ...KUBERNETES, labels: { 'rbac/policy': 'allow' }, annotations: { a: 'b' }, host: 'node-1', pod_id: 'uid' },
        kubernetes_namespace: { labels: { team: 'a' } },
      },
      1024,
    );
    expect(Object.keys(record).sort()).toEqual(['container', 'line', 'namespace', 'pod', 'stream']);
    expect(JSON.stringify(record)).not.toContain('rbac');
  });

  it('drops records that name no pod, counting them as no_pod', () => {
    for (const kubernetes of [
      undefined,
      null,
      'production/acme',
      { pod_name: 'p', container_name: 'c' },
      { namespace_name: 'production', container_name: 'c' },
      { namespace_name: 'production', pod_name: 'p' },
      { namespace_name: 'Production', pod_name: 'p', container_name: 'c' },
      { namespace_name: 'production', pod_name: '../p', container_name: 'c' },
      { namespace_name: 'production', pod_name: 'p', container_name: 7 },
      { namespace_name: '', pod_name: 'p', container_name: 'c' },
    ]) {
      expect(toIngestRecord({ log: 'x', kubernetes }, 1024), JSON.stringify(kubernetes)).toBe('no_pod');
    }
  });

  it('drops records without a string message as no_message', () => {
    expect(toIngestRecord({ kubernetes: KUBERNETES }, 1024)).toBe('no_message');
    expect(toIngestRecord({ log: 42, message: null, MESSAGE: ['x'], kubernetes: KUBERNETES }, 1024)).toBe('no_message');
  });
});
