// Builds what turns records into text for one run, from the settings: the template (a -o format or
// the user's, parsed once), the line filter, the colours and the timestamp format.
import { readFileSync } from 'node:fs';

import { CliError } from '../cli-error';
import { loadZone, UTC_ZONE } from '../output/go-time';
import { LineFilter } from '../output/line-filters';
import { LogRenderer } from '../output/log-renderer';
import { LOG_FIELD_SET } from '../output/log-view';
import { formatTemplate } from '../output/output-format';
import { ColorPicker } from '../output/sgr-color';
import { compileTemplate } from '../output/template/compile-template';
import { TemplateSyntaxError } from '../output/template/template-error';
import type { LogsSettings } from './logs-settings';

export interface LogsOutput {
  readonly renderer: LogRenderer;
  readonly colors: boolean;
  readonly picker: ColorPicker;
  /** Whether `+`/`-` lines show the namespace (several namespaces are shown). */
  readonly showNamespace: boolean;
}

/** `auto`: colours when stdout is a terminal and NO_COLOR is unset (fatih/color's rule). */
export function colorsEnabled(mode: LogsSettings['color'], stdoutIsTTY: boolean, env: NodeJS.ProcessEnv): boolean {
  if (mode !== 'auto') return mode === 'always';
  return stdoutIsTTY && (env['NO_COLOR'] ?? '') === '' && env['TERM'] !== 'dumb';
}

export function templateText(settings: LogsSettings): string {
  const { template } = settings;
  if (template === undefined) {
    // Lines from stdin have no namespace: no namespace column, whatever -n/-A say.
    const allNamespaces = settings.allNamespaces && !settings.stdin;
    return formatTemplate(settings.output, { allNamespaces, multipleNamespaces: settings.namespaces.length > 1 && !settings.stdin });
  }
  if ('text' in template) return template.text;
  try {
    return readFileSync(template.file, 'utf8');
  } catch (error) {
    throw CliError.usage(`--template-file: cannot read ${template.file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

export function buildLogsOutput(settings: LogsSettings, colors: boolean, onTemplateError: (message: string) => void): LogsOutput {
  let template;
  try {
    template = compileTemplate(templateText(settings), { colors, rootFields: LOG_FIELD_SET });
  } catch (error) {
    if (error instanceof TemplateSyntaxError) throw CliError.usage(error.message);
    throw error;
  }
  const picker = new ColorPicker(settings.diffContainer);
  const filter = new LineFilter({ include: settings.include, exclude: settings.exclude, highlight: settings.highlight, colors });
  const renderer = new LogRenderer({
    template,
    filter,
    colors: picker,
    ...(settings.timestamps && { timestamps: { format: settings.timestamps, zone: loadZone(settings.timezone) ?? UTC_ZONE } }),
    onTemplateError,
  });
  return { renderer, colors, picker, showNamespace: settings.allNamespaces || settings.namespaces.length > 1 };
}
