// What a template computes with, and how Go's fmt and encoding/json show it: the record (a struct
// with stern's field names), strings, numbers, booleans, JSON objects and arrays (from parseJSON),
// times and colours. `<no value>` for a missing map key and `map[k:v]` for maps, as Go prints them.
import { GoTime, timeString } from '../go-time';
import { SgrColor } from '../sgr-color';

/** A struct with named fields in a fixed order (the record); JSON shows its `jsonNames`. */
export interface TemplateStruct {
  readonly structName: string;
  field(name: string): TemplateValue | NoField;
  readonly fieldNames: readonly string[];
  /** [json key, value] in field order, for `json .`. */
  jsonEntries(): readonly (readonly [string, TemplateValue])[];
}

export const NO_FIELD: unique symbol = Symbol('no such field');
export type NoField = typeof NO_FIELD;

export interface TemplateMap {
  readonly [key: string]: TemplateValue;
}

export type TemplateValue =
  string | number | boolean | null | undefined | GoTime | SgrColor | TemplateStruct | readonly TemplateValue[] | TemplateMap;

export function isStruct(value: TemplateValue): value is TemplateStruct {
  return typeof value === 'object' && value !== null && 'structName' in value && typeof (value as TemplateStruct).field === 'function';
}

export function isMap(value: TemplateValue): value is TemplateMap {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Go's type name of a value, for error messages (never the value itself: it may be a log line). */
export function typeName(value: TemplateValue): string {
  if (value === undefined || value === null) return 'nil';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'float64';
  if (typeof value === 'boolean') return 'bool';
  if (value instanceof GoTime) return 'time.Time';
  if (value instanceof SgrColor) return 'color.Color';
  if (Array.isArray(value)) return '[]interface {}';
  if (isStruct(value)) return value.structName;
  return 'map[string]interface {}';
}

/** Go's template truth: false, 0, "", nil and empty collections are false. */
export function truth(value: TemplateValue): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isMap(value)) return Object.keys(value).length > 0;
  return true;
}

/** fmt.Sprint of one value (what `{{.X}}` prints). */
export function printValue(value: TemplateValue): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '<no value>';
  return formatNested(value);
}

function formatNested(value: TemplateValue): string {
  if (value === undefined || value === null) return '<nil>';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof GoTime) return timeString(value);
  if (value instanceof SgrColor) return `&{[${value.params.join(' ')}] <nil>}`;
  if (Array.isArray(value)) return `[${(value as readonly TemplateValue[]).map(formatNested).join(' ')}]`;
  if (isStruct(value)) return `{${value.fieldNames.map((name) => formatNested(fieldOrNil(value, name))).join(' ')}}`;
  const map = value as TemplateMap;
  return `map[${Object.keys(map)
    .sort()
    .map((key) => `${key}:${formatNested(map[key])}`)
    .join(' ')}]`;
}

function fieldOrNil(struct: TemplateStruct, name: string): TemplateValue {
  const value = struct.field(name);
  return value === NO_FIELD ? null : value;
}

/** Numbers print as their JSON text (`1`, `0.5`, `1e+21`): what a json.Number from tryParseJSON prints. */
export function formatNumber(value: number): string {
  return Number.isFinite(value) ? JSON.stringify(value) : value > 0 ? '+Inf' : value < 0 ? '-Inf' : 'NaN';
}

/** encoding/json's Marshal: map keys sorted, `<`, `>`, `&`, U+2028 and U+2029 escaped. */
export function goJson(value: TemplateValue, indent = '', prefix = ''): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return goJsonString(value);
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof GoTime) return goJsonString(timeString(value));
  if (value instanceof SgrColor) return '{}';
  const inner = indent === '' ? '' : `${prefix}${indent}`;
  const open = indent === '' ? '' : `\n${inner}`;
  const close = indent === '' ? '' : `\n${prefix}`;
  const sep = indent === '' ? ',' : `,\n${inner}`;
  const colon = indent === '' ? ':' : ': ';
  if (Array.isArray(value)) {
    const items = (value as readonly TemplateValue[]).map((item) => goJson(item, indent, inner));
    return items.length === 0 ? '[]' : `[${open}${items.join(sep)}${close}]`;
  }
  const entries: (readonly [string, TemplateValue])[] = isStruct(value)
    ? [...value.jsonEntries()]
    : Object.keys(value as TemplateMap)
        .sort()
        .map((key) => [key, (value as TemplateMap)[key]] as const);
  if (entries.length === 0) return '{}';
  return `{${open}${entries.map(([key, item]) => `${goJsonString(key)}${colon}${goJson(item, indent, inner)}`).join(sep)}${close}}`;
}

const HTML_UNSAFE = /[<>&\u2028\u2029]/g;
const HAS_HTML_UNSAFE = /[<>&\u2028\u2029]/;
const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

export function goJsonString(text: string): string {
  const json = JSON.stringify(text);
  return HAS_HTML_UNSAFE.test(json) ? json.replace(HTML_UNSAFE, (ch) => HTML_ESCAPES[ch] as string) : json;
}
