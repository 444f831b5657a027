// The functions a template may call: Go text/template's builtins (and, or, not, eq, ne, lt, le,
// gt, ge, len, index, print, printf, println) and stern's helpers (json, parseJSON, tryParseJSON,
// extractJSONParts, tryExtractJSONParts, extjson, prettyJSON, toRFC3339Nano, toUTC, toTimestamp,
// color, colorRed…, levelColor, bunyanLevelColor). Colours honour --color, decided once per run.
import {
  compileLayout,
  formatTime,
  GoTime,
  type GoLayout,
  inZone,
  loadZone,
  parseRfc3339,
  RFC3339_NANO_LAYOUT,
  timeFromEpochSeconds,
  UTC_ZONE,
} from '../go-time';
import { NAMED_COLORS, SgrColor } from '../sgr-color';
import type { TemplateFunction } from './template-exec';
import {
  formatNumber,
  goJson,
  goJsonString,
  isMap,
  printValue,
  type TemplateMap,
  type TemplateValue,
  truth,
  typeName,
} from './template-value';

export const TEMPLATE_FUNCTION_NAMES = [
  'and',
  'or',
  'not',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'len',
  'index',
  'print',
  'printf',
  'println',
  'json',
  'parseJSON',
  'tryParseJSON',
  'extractJSONParts',
  'tryExtractJSONParts',
  'extjson',
  'prettyJSON',
  'toRFC3339Nano',
  'toUTC',
  'toTimestamp',
  'color',
  'colorBlack',
  'colorRed',
  'colorGreen',
  'colorYellow',
  'colorBlue',
  'colorMagenta',
  'colorCyan',
  'colorWhite',
  'levelColor',
  'bunyanLevelColor',
] as const;

export function templateFunctions(colors: boolean): ReadonlyMap<string, TemplateFunction> {
  const wrap = (color: SgrColor, text: string): string => color.wrap(text, colors);
  const functions: Record<Exclude<(typeof TEMPLATE_FUNCTION_NAMES)[number], 'and' | 'or'>, TemplateFunction> = {
    not: (args) => !truth(one('not', args)),
    eq: (args) => {
      const [first, ...others] = atLeast('eq', args, 2);
      return others.some((other) => compare('eq', first, other) === 0);
    },
    ne: (args) => compare('ne', ...exactly2('ne', args)) !== 0,
    lt: (args) => ordered('lt', args) < 0,
    le: (args) => ordered('le', args) <= 0,
    gt: (args) => ordered('gt', args) > 0,
    ge: (args) => ordered('ge', args) >= 0,
    len: (args) => length(one('len', args)),
    index: (args) => {
      const [collection, ...keys] = atLeast('index', args, 1);
      return keys.reduce<TemplateValue>((value, key) => indexOf(value, key), collection);
    },
    print: (args) => sprint(args),
    printf: (args) => {
      const [format, ...rest] = atLeast('printf', args, 1);
      return sprintf(asString('printf', format), rest);
    },
    println: (args) => `${args.map(printValue).join(' ')}\n`,
    json: (args) => goJson(one('json', args)),
    parseJSON: (args) => parseJsonObject(asString('parseJSON', one('parseJSON', args))),
    tryParseJSON: (args) => {
      try {
        return parseJsonObject(asString('tryParseJSON', one('tryParseJSON', args)));
      } catch {
        return null;
      }
    },
    extractJSONParts: (args) => {
      const [text, ...keys] = atLeast('extractJSONParts', args, 1);
      return extractParts(parseJsonObject(asString('extractJSONParts', text)), keys);
    },
    tryExtractJSONParts: (args) => {
      const [text, ...keys] = atLeast('tryExtractJSONParts', args, 1);
      const source = asString('tryExtractJSONParts', text);
      let object: TemplateMap;
      try {
        object = parseJsonObject(source);
      } catch {
        return source;
      }
      return extractParts(object, keys);
    },
    extjson: (args) => {
      const text = asString('extjson', one('extjson', args));
      return isValidJson(text) ? text.replace(/\n$/, '') : goJsonString(text);
    },
    prettyJSON: (args) => {
      const value = one('prettyJSON', args);
      let object: TemplateValue = value;
      if (typeof value === 'string') {
        try {
          object = parseJsonObject(value);
        } catch {
          return value;
        }
      }
      return isMap(object) ? goJson(object, '  ') : printValue(value);
    },
    toRFC3339Nano: (args) => formatTime(toTime(one('toRFC3339Nano', args)) ?? ZERO_TIME, RFC3339_NANO_LAYOUT),
    toUTC: (args) => inZone(toTime(one('toUTC', args)) ?? ZERO_TIME, UTC_ZONE),
    toTimestamp: (args) => {
      if (args.length < 2 || args.length > 3) throw new Error(`wrong number of args: want 2 or 3 got ${args.length}`);
      const time = toTime(args[0]);
      if (time === undefined) throw new Error(`unable to parse ${typeName(args[0])} as a time`);
      const zoneName = args.length === 3 ? asString('toTimestamp', args[2]) : '';
      const zone = loadZone(zoneName);
      if (zone === undefined) throw new Error(`unknown time zone ${zoneName}`);
      return formatTime(inZone(time, zone), cachedLayout(asString('toTimestamp', args[1])));
    },
    color: (args) => {
      const [color, text] = exactly2('color', args);
      if (!(color instanceof SgrColor)) throw new Error(`wrong type for value; expected color.Color; got ${typeName(color)}`);
      return wrap(color, printValue(text));
    },
    colorBlack: (args) => wrap(NAMED_COLORS.black, colorString(args)),
    colorRed: (args) => wrap(NAMED_COLORS.red, colorString(args)),
    colorGreen: (args) => wrap(NAMED_COLORS.green, colorString(args)),
    colorYellow: (args) => wrap(NAMED_COLORS.yellow, colorString(args)),
    colorBlue: (args) => wrap(NAMED_COLORS.blue, colorString(args)),
    colorMagenta: (args) => wrap(NAMED_COLORS.magenta, colorString(args)),
    colorCyan: (args) => wrap(NAMED_COLORS.cyan, colorString(args)),
    colorWhite: (args) => wrap(NAMED_COLORS.white, colorString(args)),
    levelColor: (args) => {
      const level = one('levelColor', args);
      if (typeof level !== 'string') return '';
      const color = LEVEL_COLORS[level.toLowerCase()];
      return color === undefined ? level : wrap(color, level);
    },
    bunyanLevelColor: (args) => {
      const level = one('bunyanLevelColor', args);
      if (typeof level !== 'number') return '';
      const lv = Math.trunc(level);
      const color =
        lv < 30
          ? NAMED_COLORS.magenta
          : lv < 40
            ? NAMED_COLORS.blue
            : lv < 50
              ? NAMED_COLORS.yellow
              : lv < 60
                ? NAMED_COLORS.red
                : lv < 100
                  ? NAMED_COLORS.cyan
                  : undefined;
      return color === undefined ? String(lv) : wrap(color, String(lv));
    },
  };
  const map = new Map<string, TemplateFunction>(Object.entries(functions));
  // `and` and `or` are evaluated lazily by the executor; they are listed so that the parser accepts them.
  map.set('and', () => undefined);
  map.set('or', () => undefined);
  return map;
}

const LEVEL_COLORS: Readonly<Record<string, SgrColor>> = {
  debug: NAMED_COLORS.magenta,
  info: NAMED_COLORS.blue,
  warn: NAMED_COLORS.yellow,
  warning: NAMED_COLORS.yellow,
  error: NAMED_COLORS.red,
  dpanic: NAMED_COLORS.red,
  panic: NAMED_COLORS.red,
  fatal: NAMED_COLORS.cyan,
  critical: NAMED_COLORS.cyan,
};

/** Go's zero time, which stern's helpers return for a value that is not a time. */
const ZERO_TIME = new GoTime(-62135596800, 0, UTC_ZONE);

/** A time from a time, an RFC 3339 string, or Unix seconds (a number or a numeric string, as zap's `ts`). */
function toTime(value: TemplateValue): GoTime | undefined {
  if (value instanceof GoTime) return value;
  if (typeof value === 'number') return timeFromEpochSeconds(value);
  if (typeof value === 'string') {
    const parsed = parseRfc3339(value);
    if (parsed) return parsed;
    if (/^-?\d+(\.\d+)?$/.test(value)) return timeFromEpochSeconds(Number(value));
  }
  return undefined;
}

const layouts = new Map<string, GoLayout>();
function cachedLayout(layout: string): GoLayout {
  let compiled = layouts.get(layout);
  if (compiled === undefined) {
    compiled = compileLayout(layout);
    if (layouts.size < 100) layouts.set(layout, compiled);
  }
  return compiled;
}

function parseJsonObject(text: string): TemplateMap {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the input; say only what went wrong.
    throw new Error('invalid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`cannot unmarshal ${Array.isArray(value) ? 'array' : typeof value} into map[string]interface {}`);
  }
  return value as TemplateMap;
}

function isValidJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function extractParts(object: TemplateMap, keys: readonly TemplateValue[]): string {
  return keys.map((key) => (typeof key === 'string' && Object.hasOwn(object, key) ? printNested(object[key]) : '<nil>')).join(', ');
}

function printNested(value: TemplateValue): string {
  return value === undefined || value === null ? '<nil>' : printValue(value);
}

function colorString(args: readonly TemplateValue[]): string {
  const [format, ...rest] = atLeast('color', args, 1);
  return rest.length === 0 ? printValue(format) : sprintf(asString('color', format), rest);
}

/** fmt.Sprint: spaces between operands when neither side is a string. */
function sprint(args: readonly TemplateValue[]): string {
  let out = '';
  args.forEach((arg, i) => {
    if (i > 0 && typeof arg !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += printValue(arg);
  });
  return out;
}

/** The fmt verbs templates use: %s %v %d %f %q %t %x %%, with an optional width and precision. */
function sprintf(format: string, args: readonly TemplateValue[]): string {
  let next = 0;
  return (
    format.replace(
      /%([-0]?)(\d*)(?:\.(\d+))?([svdfqtx%])/g,
      (_match, flag: string, width: string, precision: string | undefined, verb: string) => {
        if (verb === '%') return '%';
        if (next >= args.length) return `%!${verb}(MISSING)`;
        const arg = args[next++];
        let text: string;
        switch (verb) {
          case 'd':
            text = typeof arg === 'number' ? String(Math.trunc(arg)) : `%!d(${typeName(arg)}=${printValue(arg)})`;
            break;
          case 'f':
            text = typeof arg === 'number' ? arg.toFixed(precision === undefined ? 6 : Number(precision)) : `%!f(${typeName(arg)})`;
            break;
          case 'q':
            text = typeof arg === 'string' ? goJsonString(arg) : printValue(arg);
            break;
          case 'x':
            text = typeof arg === 'number' ? Math.trunc(arg).toString(16) : Buffer.from(printValue(arg)).toString('hex');
            break;
          default:
            text = typeof arg === 'number' ? formatNumber(arg) : printValue(arg);
            if (verb === 's' && precision !== undefined) text = text.slice(0, Number(precision));
        }
        const pad = width === '' ? 0 : Number(width);
        if (text.length >= pad) return text;
        if (flag === '-') return text.padEnd(pad, ' ');
        return text.padStart(pad, flag === '0' ? '0' : ' ');
      },
    ) + (next < args.length ? `%!(EXTRA ${args.slice(next).map(typeName).join(', ')})` : '')
  );
}

function compare(name: string, a: TemplateValue, b: TemplateValue): number {
  const kindA = a === undefined || a === null ? 'nil' : typeof a;
  const kindB = b === undefined || b === null ? 'nil' : typeof b;
  if (kindA === 'nil' || kindB === 'nil') return kindA === kindB ? 0 : 1;
  if (kindA !== kindB || !['string', 'number', 'boolean'].includes(kindA)) {
    throw new Error(`incompatible types for comparison in ${name}`);
  }
  return a === b ? 0 : (a as number | string) < (b as number | string) ? -1 : 1;
}

function ordered(name: string, args: readonly TemplateValue[]): number {
  const [a, b] = exactly2(name, args);
  if (typeof a === 'boolean' || typeof b === 'boolean') throw new Error(`invalid type for comparison in ${name}`);
  return compare(name, a, b);
}

function length(value: TemplateValue): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (Array.isArray(value)) return value.length;
  if (isMap(value)) return Object.keys(value).length;
  throw new Error(`len of type ${typeName(value)}`);
}

function indexOf(collection: TemplateValue, key: TemplateValue): TemplateValue {
  if (Array.isArray(collection)) {
    if (typeof key !== 'number' || !Number.isInteger(key)) throw new Error('cannot index slice with a non-integer');
    if (key < 0 || key >= collection.length) throw new Error(`index out of range: ${key}`);
    return (collection as readonly TemplateValue[])[key];
  }
  if (isMap(collection)) {
    if (typeof key !== 'string') throw new Error(`value has type ${typeName(key)}; should be string`);
    return Object.hasOwn(collection, key) ? collection[key] : undefined;
  }
  if (collection === undefined || collection === null) throw new Error('index of untyped nil');
  throw new Error(`can't index item of type ${typeName(collection)}`);
}

function one(name: string, args: readonly TemplateValue[]): TemplateValue {
  if (args.length !== 1) throw new Error(`wrong number of args for ${name}: want 1 got ${args.length}`);
  return args[0];
}

function exactly2(name: string, args: readonly TemplateValue[]): [TemplateValue, TemplateValue] {
  if (args.length !== 2) throw new Error(`wrong number of args for ${name}: want 2 got ${args.length}`);
  return [args[0], args[1]];
}

function atLeast(name: string, args: readonly TemplateValue[], count: number): [TemplateValue, ...TemplateValue[]] {
  if (args.length < count) throw new Error(`wrong number of args for ${name}: want at least ${count} got ${args.length}`);
  return args as [TemplateValue, ...TemplateValue[]];
}

function asString(name: string, value: TemplateValue): string {
  if (typeof value !== 'string') throw new Error(`wrong type for value; expected string; got ${typeName(value)}`);
  return value;
}
