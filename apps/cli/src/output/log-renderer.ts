// Turns records into output text, as stern's consumeLine does: drop by --exclude/--include, colour
// --highlight matches, put the formatted timestamp in front of the message, then run the template.
// Everything is compiled up front; a record costs the filters, one small view object and the template.
import { compileLayout, formatTime, type GoLayout, type GoZone, inZone, parseRfc3339 } from './go-time';
import type { LineFilter } from './line-filters';
import { LogView } from './log-view';
import type { ColorPicker } from './sgr-color';
import type { CompiledTemplate } from './template/compile-template';
import { TemplateExecError } from './template/template-error';

export const TIMESTAMP_LAYOUTS = {
  /** RFC 3339 with nine fraction digits, as stern's default. */
  default: '2006-01-02T15:04:05.000000000Z07:00',
  /** Month, day and time, as stern's short. */
  short: '01-02 15:04:05',
} as const;
export type TimestampFormat = keyof typeof TIMESTAMP_LAYOUTS;

/** A record as the renderer needs it: the wire record's fields, or a line read from stdin. */
export interface RenderableRecord {
  readonly ts: string;
  readonly ns: string;
  readonly pod: string;
  readonly container: string;
  readonly node?: string;
  readonly stream: string;
  readonly line: string;
}

export interface LogRendererOptions {
  readonly template: CompiledTemplate;
  readonly filter: LineFilter;
  readonly colors: ColorPicker;
  /** --timestamps: the format and the zone (--timezone). */
  readonly timestamps?: { readonly format: TimestampFormat; readonly zone: GoZone };
  /** A record the template could not render; it is skipped (as stern does). */
  readonly onTemplateError: (message: string) => void;
}

export class LogRenderer {
  private readonly layout: GoLayout | undefined;

  constructor(private readonly options: LogRendererOptions) {
    this.layout = options.timestamps && compileLayout(TIMESTAMP_LAYOUTS[options.timestamps.format]);
  }

  /** The text for one record, or '' when it is filtered out or cannot be rendered. */
  render(record: RenderableRecord): string {
    const { filter } = this.options;
    if (!filter.accepts(record.line)) return '';
    let message = filter.mark(record.line);
    if (this.layout !== undefined && record.ts !== '') {
      message = `${this.timestamp(record.ts)} ${message}`;
    }
    const colors = this.options.colors.pick(record.pod, record.container);
    const view = new LogView(
      message,
      record.node ?? '',
      record.ns,
      record.pod,
      record.container,
      colors.pod,
      colors.container,
      record.ts,
      record.stream,
    );
    try {
      return this.options.template.execute(view);
    } catch (error) {
      if (!(error instanceof TemplateExecError)) throw error;
      this.options.onTemplateError(`expanding template failed: ${error.message}`);
      return '';
    }
  }

  /** Renders a batch into one string: one write per batch. */
  renderBatch(records: readonly RenderableRecord[]): string {
    let out = '';
    for (const record of records) out += this.render(record);
    return out;
  }

  private timestamp(ts: string): string {
    const time = parseRfc3339(ts);
    if (time === undefined || this.layout === undefined || this.options.timestamps === undefined) return ts;
    return formatTime(inZone(time, this.options.timestamps.zone), this.layout);
  }
}
