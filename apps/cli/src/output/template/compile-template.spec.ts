import { describe, expect, it } from 'vitest';

import { LOG_FIELD_SET, LogView } from '../log-view';
import { COLOR_PAIRS } from '../sgr-color';
import { compileTemplate } from './compile-template';
import { TemplateExecError, TemplateSyntaxError } from './template-error';

const [podColor, containerColor] = COLOR_PAIRS[0]!;
const view = (message: string, pod = 'web-0') =>
  new LogView(message, 'node-1', 'team-a', pod, 'nginx', podColor, containerColor, '2026-01-02T03:04:05.123456789Z', 'stdout');
const run = (template: string, message = 'hello', colors = false) =>
  compileTemplate(template, { colors, rootFields: LOG_FIELD_SET }).execute(view(message));

describe('template language', () => {
  it('prints fields and text', () => {
    expect(run('{{.Namespace}}/{{.PodName}}/{{.ContainerName}} on {{.NodeName}} [{{.Stream}}] {{.Timestamp}}: {{.Message}}')).toBe(
      'team-a/web-0/nginx on node-1 [stdout] 2026-01-02T03:04:05.123456789Z: hello',
    );
  });

  it('trims whitespace beside {{- and -}} and skips comments', () => {
    expect(run('a  {{- .PodName -}}  b {{/* note */}}c\n  {{- "d" }}')).toBe('aweb-0b cd');
  });

  it('evaluates pipelines, function calls, literals and parentheses', () => {
    expect(run('{{.PodName | printf "%s!"}} {{printf "%d-%05.1f-%q" 42 3.14159 "x"}} {{len (print .PodName .ContainerName)}}')).toBe(
      'web-0! 42-003.1-"x" 10',
    );
  });

  it('branches with if / else if / else, and/or/not and comparisons', () => {
    const template = '{{if eq .Message "a"}}A{{else if and (ne .Message "b") (not false)}}C{{else}}B{{end}}';
    expect(run(template, 'a')).toBe('A');
    expect(run(template, 'b')).toBe('B');
    expect(run(template, 'c')).toBe('C');
    expect(run('{{or "" 0 "x"}} {{and 1 0 2}} {{lt 1 2}} {{ge "b" "a"}} {{eq .PodName "x" "web-0"}}')).toBe('x 0 true true true');
  });

  it('declares and assigns variables, scoped to their block', () => {
    expect(run('{{$p := .PodName}}{{with .Namespace}}{{$p}}@{{.}}{{end}}{{$p = "z"}}{{$p}}')).toBe('web-0@team-az');
    expect(run('{{with $x := "in"}}{{$x}}{{end}}')).toBe('in');
  });

  it('ranges over JSON arrays and objects (keys sorted), with else, break and continue', () => {
    const message = '{"tags":["a","b","c"],"m":{"z":1,"a":2},"none":[]}';
    expect(
      run('{{$j := parseJSON .Message}}{{range $i, $t := $j.tags}}{{if eq $i 1}}{{continue}}{{end}}{{$i}}={{$t}} {{end}}', message),
    ).toBe('0=a 2=c ');
    expect(run('{{range $k, $v := (parseJSON .Message).m}}{{$k}}:{{$v}},{{end}}', message)).toBe('a:2,z:1,');
    expect(run('{{range (parseJSON .Message).none}}x{{else}}empty{{end}}', message)).toBe('empty');
    expect(run('{{range (parseJSON .Message).tags}}{{.}}{{break}}{{end}}', message)).toBe('a');
  });

  it("prints missing map keys as <no value> and maps as Go's map[k:v]", () => {
    const message = '{"level":"warn","n":1.5,"o":{"b":true,"a":null}}';
    expect(run('{{with parseJSON .Message}}{{.level}} {{.missing}} {{.n}} {{.o}} {{index . "level"}}{{end}}', message)).toBe(
      'warn <no value> 1.5 map[a:<nil> b:true] warn',
    );
  });

  describe('JSON helpers', () => {
    const json = '{"level":"info","msg":"started <ok> & ready","count":3}';

    it("json marshals the record with stern's keys, then ours, escaping HTML as Go does", () => {
      expect(run('{{json .}}', 'a <b>')).toBe(
        '{"message":"a \\u003cb\\u003e","nodeName":"node-1","namespace":"team-a","podName":"web-0","containerName":"nginx","timestamp":"2026-01-02T03:04:05.123456789Z","stream":"stdout"}',
      );
      expect(run('{{json (parseJSON .Message)}}', '{"b":1,"a":[true,null]}')).toBe('{"a":[true,null],"b":1}');
    });

    it('parseJSON fails the record on invalid JSON; tryParseJSON gives nil', () => {
      expect(() => run('{{parseJSON .Message}}', 'not json')).toThrow(TemplateExecError);
      expect(() => run('{{parseJSON .Message}}', 'not json')).toThrow('error calling parseJSON: invalid JSON');
      expect(run('{{with tryParseJSON .Message}}{{.level}}{{else}}plain: {{.Message}}{{end}}', 'not json')).toBe('plain: not json');
      expect(run('{{with tryParseJSON .Message}}{{.level}}{{end}}', json)).toBe('info');
    });

    it('extractJSONParts and tryExtractJSONParts join the named values', () => {
      expect(run('{{extractJSONParts .Message "level" "msg" "nope"}}', json)).toBe('info, started <ok> & ready, <nil>');
      expect(run('{{tryExtractJSONParts .Message "level"}}', 'plain text')).toBe('plain text');
      expect(() => run('{{extractJSONParts .Message "level"}}', 'plain')).toThrow(TemplateExecError);
    });

    it('extjson keeps JSON as it is and quotes anything else; prettyJSON indents with sorted keys', () => {
      expect(run('{{extjson .Message}}', '{"a": 1}')).toBe('{"a": 1}');
      expect(run('{{extjson .Message}}', 'say "hi" <now>')).toBe('"say \\"hi\\" \\u003cnow\\u003e"');
      expect(run('{{prettyJSON .Message}}', '{"b":1,"a":{"c":2}}')).toBe('{\n  "a": {\n    "c": 2\n  },\n  "b": 1\n}');
      expect(run('{{prettyJSON .Message}}', 'plain')).toBe('plain');
    });
  });

  describe('time helpers', () => {
    it('toRFC3339Nano, toUTC and toTimestamp read RFC 3339 and Unix seconds', () => {
      expect(run('{{toRFC3339Nano .Timestamp}}')).toBe('2026-01-02T03:04:05.123456789Z');
      expect(run('{{with parseJSON .Message}}{{toRFC3339Nano .ts}}{{end}}', '{"ts":1767323045.5}')).toBe('2026-01-02T03:04:05.5Z');
      expect(run('{{toUTC "2026-01-02T12:04:05+09:00"}}')).toBe('2026-01-02 03:04:05 +0000 UTC');
      expect(run('{{toTimestamp .Timestamp "Jan 02 15:04:05.000" "Asia/Tokyo"}}')).toBe('Jan 02 12:04:05.123');
      expect(run('{{toTimestamp .Timestamp "15:04"}}')).toBe('03:04');
      expect(() => run('{{toTimestamp .Timestamp "15:04" "Nowhere/Zone"}}')).toThrow('unknown time zone');
    });
  });

  describe('colour helpers', () => {
    it('color wraps in the record colour; colorRed and levelColor in fixed ones; nothing when colours are off', () => {
      expect(run('{{color .PodColor .PodName}} {{colorRed "x"}} {{levelColor "ERROR"}} {{levelColor "trace"}}', 'm', true)).toBe(
        '\x1b[96mweb-0\x1b[0m \x1b[31mx\x1b[0m \x1b[31mERROR\x1b[0m trace',
      );
      expect(run('{{color .PodColor .PodName}} {{colorRed "x"}} {{levelColor "info"}}', 'm', false)).toBe('web-0 x info');
    });

    it('bunyanLevelColor colours numeric levels by range', () => {
      const t = '{{with parseJSON .Message}}{{bunyanLevelColor .level}}{{end}}';
      expect(run(t, '{"level":30}', true)).toBe('\x1b[34m30\x1b[0m');
      expect(run(t, '{"level":50}', true)).toBe('\x1b[31m50\x1b[0m');
      expect(run(t, '{"level":"info"}', true)).toBe('');
    });
  });

  describe('errors', () => {
    const syntax = (template: string) => {
      try {
        compileTemplate(template, { colors: false, rootFields: LOG_FIELD_SET });
      } catch (error) {
        if (error instanceof TemplateSyntaxError) return `${error.line}:${error.column} ${error.reason}`;
        throw error;
      }
      throw new Error('parsed');
    };

    it('names the line and column of a syntax error', () => {
      expect(syntax('{{.PodName}}\n  {{nope .Message}}')).toBe('2:5 function "nope" not defined');
      expect(syntax('{{if .PodName}}x')).toBe('1:3 unexpected EOF: {{if}} without {{end}}');
      expect(syntax('{{.PodName')).toBe('1:3 unclosed action');
      expect(syntax('{{.Pod}}')).toBe("1:3 can't evaluate field Pod of the record");
      expect(syntax('{{$x}}')).toBe('1:3 undefined variable "$x"');
      expect(syntax('{{"abc}}')).toBe('1:3 unterminated quoted string');
      expect(syntax('{{.PodName 1}}')).toBe("1:3 can't give argument to non-function");
      expect(syntax('{{end}}')).toBe('1:3 unexpected {{end}}');
      expect(syntax('a{{else}}')).toBe('1:4 unexpected {{else}}');
      expect(syntax('{{define "x"}}{{end}}')).toBe('1:3 {{define}} is not supported');
    });

    it('fails a record on a field of a missing value, naming no value', () => {
      expect(() => run('{{(parseJSON .Message).a.b}}', '{"secret":"s3cr3t"}')).toThrow('nil pointer evaluating interface {}.b');
      try {
        run('{{(parseJSON .Message).a.b}}', '{"secret":"s3cr3t"}');
      } catch (error) {
        expect((error as Error).message).not.toContain('s3cr3t');
      }
    });

    it('parses once: executing again reuses the program', () => {
      const template = compileTemplate('{{.PodName}}', { colors: false });
      expect(['a', 'b'].map((pod) => template.execute(view('m', pod)))).toEqual(['a', 'b']);
    });
  });
});
