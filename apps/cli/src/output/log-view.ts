// The record as a template sees it: stern's Log fields (Message, NodeName, Namespace, PodName,
// ContainerName, PodColor, ContainerColor) plus ours (Timestamp, Stream). `json .` shows stern's
// JSON keys in stern's order, then ours.
import type { SgrColor } from './sgr-color';
import { NO_FIELD, type NoField, type TemplateStruct, type TemplateValue } from './template/template-value';

export const LOG_FIELDS = [
  'Message',
  'NodeName',
  'Namespace',
  'PodName',
  'ContainerName',
  'PodColor',
  'ContainerColor',
  'Timestamp',
  'Stream',
] as const;
export const LOG_FIELD_SET: ReadonlySet<string> = new Set(LOG_FIELDS);

export class LogView implements TemplateStruct {
  readonly structName = 'Log';
  readonly fieldNames = LOG_FIELDS;

  constructor(
    /** The line, after highlighting, with the formatted timestamp in front when --timestamps is on. */
    readonly Message: string,
    readonly NodeName: string,
    readonly Namespace: string,
    readonly PodName: string,
    readonly ContainerName: string,
    readonly PodColor: SgrColor,
    readonly ContainerColor: SgrColor,
    /** The record's RFC 3339 timestamp as the server sent it ("" from --stdin). */
    readonly Timestamp: string,
    /** `stdout` or `stderr` ("" from --stdin). */
    readonly Stream: string,
  ) {}

  field(name: string): TemplateValue | NoField {
    switch (name) {
      case 'Message':
      case 'NodeName':
      case 'Namespace':
      case 'PodName':
      case 'ContainerName':
      case 'PodColor':
      case 'ContainerColor':
      case 'Timestamp':
      case 'Stream':
        return this[name];
      default:
        return NO_FIELD;
    }
  }

  jsonEntries(): readonly (readonly [string, TemplateValue])[] {
    return [
      ['message', this.Message],
      ['nodeName', this.NodeName],
      ['namespace', this.Namespace],
      ['podName', this.PodName],
      ['containerName', this.ContainerName],
      ['timestamp', this.Timestamp],
      ['stream', this.Stream],
    ];
  }
}
