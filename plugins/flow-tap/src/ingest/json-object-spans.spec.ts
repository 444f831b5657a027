import { describe, expect, it } from 'vitest';

import { jsonObjectSpans, type ObjectSpanLimits } from './json-object-spans';

const LIMITS: ObjectSpanLimits = { maxObjects: 1000, maxDepth: 8 };

/** The object texts found, or the refusal code. */
function objectsOf(text: string, limits = LIMITS): string[] | string {
  const spans = jsonObjectSpans(text, limits);
  if (!spans.ok) return spans.code;
  const objects: string[] = [];
  for (let index = 0; index < spans.bounds.length; index += 2) objects.push(text.slice(spans.bounds[index], spans.bounds[index + 1]));
  return objects;
}

describe('jsonObjectSpans', () => {
  it('splits newline-delimited objects with or without a final newline, with CRLF and blank lines', () => {
    expect(objectsOf('{"a":1}\n{"b":2}\n')).toEqual(['{"a":1}', '{"b":2}']);
    expect(objectsOf('{"a":1}\n{"b":2}')).toEqual(['{"a":1}', '{"b":2}']);
    expect(objectsOf('\r\n{"a":1}\r\n\r\n\n{"b":2}\r\n')).toEqual(['{"a":1}', '{"b":2}']);
  });

  it('splits objects concatenated with no separator (fluent-bit json_stream)', () => {
    expect(objectsOf('{"a":{"b":[1,{}]}}{"c":"}{"}{}')).toEqual(['{"a":{"b":[1,{}]}}', '{"c":"}{"}', '{}']);
  });

  it('splits arrays, with the newline fluentd puts before each comma', () => {
    expect(objectsOf('[{"a":1}\n,{"b":2}\n]')).toEqual(['{"a":1}', '{"b":2}']);
    expect(objectsOf(' [ {"a":1} , {"b":2} ] \n')).toEqual(['{"a":1}', '{"b":2}']);
    expect(objectsOf('[]')).toEqual([]);
  });

  it('finds nothing in an empty or blank body', () => {
    expect(objectsOf('')).toEqual([]);
    expect(objectsOf(' \r\n\t')).toEqual([]);
  });

  it('is not fooled by brackets and quotes inside strings, escaped or not', () => {
    const tricky = String.raw`{"m":"a \"quoted\" } ] { [ \\","n":"\\\\\"}"}`;
    expect(JSON.parse(tricky)).toBeTypeOf('object');
    expect(objectsOf(`${tricky}\n${tricky}`)).toEqual([tricky, tricky]);
    expect(objectsOf(`[${tricky},${tricky}]`)).toEqual([tricky, tricky]);
  });

  it('refuses bodies cut off anywhere (truncated arrays, objects, strings)', () => {
    for (const text of ['[{"a":1},{"b":2}', '[{"a":1},', '[{"a":1}', '[', '{"a":1}\n{"b":', '{"a":"unterminated}', '[{"a":"x\\"}]']) {
      expect(objectsOf(text), text).toBe('malformed_json');
    }
  });

  it('refuses what is not an array of objects or a run of objects', () => {
    expect(objectsOf('[{"a":1},2]')).toBe('not_an_object');
    expect(objectsOf('[{"a":1},"s"]')).toBe('not_an_object');
    expect(objectsOf('[[{"a":1}]]')).toBe('not_an_object');
    expect(objectsOf('{"a":1}\nnull')).toBe('not_an_object');
    expect(objectsOf('42')).toBe('not_an_object');
    expect(objectsOf('hello')).toBe('malformed_json');
    expect(objectsOf('{"a":1},{"b":2}')).toBe('malformed_json');
    expect(objectsOf('[{"a":1},]')).toBe('malformed_json');
    expect(objectsOf('[{"a":1} {"b":2}]')).toBe('malformed_json');
    expect(objectsOf('[{"a":1}]\n[{"b":2}]')).toBe('malformed_json');
    expect(objectsOf('[{"a":1}]x')).toBe('malformed_json');
  });

  it('refuses more objects than the limit, in every framing', () => {
    const limits = { ...LIMITS, maxObjects: 2 };
    expect(objectsOf('{}{}', limits)).toEqual(['{}', '{}']);
    expect(objectsOf('{}\n{}\n{}', limits)).toBe('too_many_records');
    expect(objectsOf('[{},{},{}]', limits)).toBe('too_many_records');
  });

  it('refuses nesting deeper than the limit inside a record', () => {
    const nested = (levels: number): string => `${'{"a":'.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}`;
    expect(objectsOf(nested(8))).toEqual([nested(8)]);
    expect(objectsOf(nested(9))).toBe('too_deep');
    expect(objectsOf(`[${nested(9)}]`)).toBe('too_deep');
    expect(objectsOf(`{"a":${'['.repeat(100_000)}`)).toBe('too_deep');
  });

  it('names records by number in reasons, never quoting the body', () => {
    const spans = jsonObjectSpans('{"a":1}\n{"secret":"hunter2"', LIMITS);
    expect(spans).toMatchObject({ ok: false, reason: 'the body ends inside record 2' });
    expect(JSON.stringify(spans)).not.toContain('hunter2');
  });

  it('stays linear on long strings full of escapes and on many tiny records', () => {
    const escapes = `{"m":"${'\\"\\\\'.repeat(2_000_000)}"}`;
    const tiny = '{}'.repeat(2_000_000);
    const started = performance.now();
    expect(objectsOf(escapes, LIMITS)).toHaveLength(1);
    const spans = jsonObjectSpans(tiny, { maxObjects: 2_000_000, maxDepth: 8 });
    expect(spans.ok && spans.bounds.length).toBe(4_000_000);
    // Both are ~8 MB; a quadratic scan would take minutes.
    expect(performance.now() - started).toBeLessThan(3_000);
  });
});
