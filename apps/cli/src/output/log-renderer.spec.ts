import { describe, expect, it } from 'vitest';

import { loadZone } from './go-time';
import { LineFilter } from './line-filters';
import { LogRenderer, type RenderableRecord, type TimestampFormat } from './log-renderer';
import { LOG_FIELD_SET } from './log-view';
import { formatTemplate, type NamespaceDisplay, type OutputFormat } from './output-format';
import { ColorPicker, COLOR_PAIRS, colorIndex } from './sgr-color';
import { compileTemplate } from './template/compile-template';

const record: RenderableRecord = {
  ts: '2026-01-02T03:04:05.123456789Z',
  ns: 'team-a',
  pod: 'checkout-api',
  container: 'api',
  node: 'node-1',
  stream: 'stdout',
  line: 'GET /orders 200',
};
const SINGLE: NamespaceDisplay = { allNamespaces: false, multipleNamespaces: false };
const ALL: NamespaceDisplay = { allNamespaces: true, multipleNamespaces: false };
const SEVERAL: NamespaceDisplay = { allNamespaces: false, multipleNamespaces: true };

function renderer(
  format: OutputFormat | { template: string },
  options: {
    display?: NamespaceDisplay;
    colors?: boolean;
    include?: string[];
    exclude?: string[];
    highlight?: string[];
    timestamps?: TimestampFormat;
    zone?: string;
  } = {},
) {
  const colors = options.colors ?? false;
  const text = typeof format === 'string' ? formatTemplate(format, options.display ?? SINGLE) : format.template;
  const errors: string[] = [];
  const r = new LogRenderer({
    template: compileTemplate(text, { colors, rootFields: LOG_FIELD_SET }),
    filter: new LineFilter({ include: options.include ?? [], exclude: options.exclude ?? [], highlight: options.highlight ?? [], colors }),
    colors: new ColorPicker(false),
    ...(options.timestamps && { timestamps: { format: options.timestamps, zone: loadZone(options.zone ?? 'UTC')! } }),
    onTemplateError: (message) => errors.push(message),
  });
  return { render: (rec: RenderableRecord = record) => r.render(rec), errors, batch: (recs: RenderableRecord[]) => r.renderBatch(recs) };
}

describe('output formats', () => {
  it('default: pod, container, message; the namespace first with -A or several namespaces', () => {
    expect(renderer('default').render()).toBe('checkout-api api GET /orders 200\n');
    expect(renderer('default', { display: ALL }).render()).toBe('team-a checkout-api api GET /orders 200\n');
    expect(renderer('default', { display: SEVERAL }).render()).toBe('team-a checkout-api api GET /orders 200\n');
  });

  it('default with colours: the pod colour on namespace and pod, the container colour on the container', () => {
    const [pod, container] = COLOR_PAIRS[colorIndex('checkout-api')]!;
    const p = `\x1b[${pod.params.join(';')}m`;
    const c = `\x1b[${container.params.join(';')}m`;
    expect(renderer('default', { display: ALL, colors: true }).render()).toBe(
      `${p}team-a\x1b[0m ${p}checkout-api\x1b[0m ${c}api\x1b[0m GET /orders 200\n`,
    );
  });

  it('raw: the message alone', () => {
    expect(renderer('raw').render()).toBe('GET /orders 200\n');
  });

  it('json: one object per line', () => {
    expect(renderer('json').render()).toBe(
      '{"message":"GET /orders 200","nodeName":"node-1","namespace":"team-a","podName":"checkout-api","containerName":"api","timestamp":"2026-01-02T03:04:05.123456789Z","stream":"stdout"}\n',
    );
  });

  it('extjson: the message embedded as JSON when it is JSON, quoted when not; the namespace only with -A', () => {
    expect(renderer('extjson').render()).toBe('{"pod": "checkout-api", "container": "api", "message": "GET /orders 200"}\n');
    expect(renderer('extjson', { display: ALL }).render({ ...record, line: '{"level":"info"}' })).toBe(
      '{"namespace": "team-a", "pod": "checkout-api", "container": "api", "message": {"level":"info"}}\n',
    );
    expect(renderer('extjson', { display: SEVERAL }).render()).toBe(
      '{"pod": "checkout-api", "container": "api", "message": "GET /orders 200"}\n',
    );
  });

  it('ppextjson: the same, over several lines', () => {
    expect(renderer('ppextjson', { display: ALL }).render()).toBe(
      '{\n  "namespace": "team-a",\n  "pod": "checkout-api",\n  "container": "api",\n  "message": "GET /orders 200"\n}\n',
    );
  });

  it("a user's template prints exactly what it says (no newline added, as stern)", () => {
    expect(renderer({ template: '{{.PodName}}:{{.Message}}' }).batch([record, record])).toBe(
      'checkout-api:GET /orders 200checkout-api:GET /orders 200',
    );
  });
});

describe('filters, highlight and timestamps in the output', () => {
  it('leaves out excluded lines and lines no --include matches, and renders a batch in order', () => {
    const r = renderer('raw', { include: ['orders'], exclude: ['500'] });
    const lines = ['GET /orders 200', 'GET /orders 500', 'GET /health 200'].map((line) => ({ ...record, line }));
    expect(r.batch(lines)).toBe('GET /orders 200\n');
  });

  it('highlights matches of --include and --highlight when colours are on', () => {
    expect(renderer('raw', { colors: true, highlight: ['orders'] }).render()).toBe('GET /\x1b[31;1morders\x1b[0m 200\n');
  });

  it('puts the timestamp in front of the message, in the chosen format and zone', () => {
    expect(renderer('default', { timestamps: 'default' }).render()).toBe(
      'checkout-api api 2026-01-02T03:04:05.123456789Z GET /orders 200\n',
    );
    expect(renderer('raw', { timestamps: 'short', zone: 'Asia/Tokyo' }).render()).toBe('01-02 12:04:05 GET /orders 200\n');
    expect(renderer('raw', { timestamps: 'default', zone: 'America/Los_Angeles' }).render()).toBe(
      '2026-01-01T19:04:05.123456789-08:00 GET /orders 200\n',
    );
    expect(renderer('json', { timestamps: 'short' }).render()).toContain('"message":"01-02 03:04:05 GET /orders 200"');
  });

  it('skips a record the template cannot render and reports it without the line', () => {
    const r = renderer({ template: '{{(parseJSON .Message).level}}\n' });
    expect(r.render()).toBe('');
    expect(r.errors).toEqual(['expanding template failed: error calling parseJSON: invalid JSON']);
  });
});
