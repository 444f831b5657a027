// The predefined `-o` formats, written as templates exactly as stern defines them (cmd/cmd.go),
// so `-o` and `--template` go through one renderer.
export const OUTPUT_FORMATS = ['default', 'raw', 'json', 'extjson', 'ppextjson'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface NamespaceDisplay {
  /** -A, or no namespace chosen (every namespace the user may read). */
  readonly allNamespaces: boolean;
  /** More than one namespace chosen. */
  readonly multipleNamespaces: boolean;
}

/** The template text of a format, with the trailing newline stern adds. */
export function formatTemplate(format: OutputFormat, display: NamespaceDisplay): string {
  switch (format) {
    case 'default': {
      const line = '{{color .PodColor .PodName}} {{color .ContainerColor .ContainerName}} {{.Message}}';
      return `${display.allNamespaces || display.multipleNamespaces ? `{{color .PodColor .Namespace}} ${line}` : line}\n`;
    }
    case 'raw':
      return '{{.Message}}\n';
    case 'json':
      return '{{json .}}\n';
    case 'extjson': {
      const body =
        '"pod": "{{color .PodColor .PodName}}", "container": "{{color .ContainerColor .ContainerName}}", "message": {{extjson .Message}}';
      return `{${display.allNamespaces ? `"namespace": "{{color .PodColor .Namespace}}", ${body}` : body}}\n`;
    }
    case 'ppextjson': {
      const body =
        '  "pod": "{{color .PodColor .PodName}}",\n  "container": "{{color .ContainerColor .ContainerName}}",\n  "message": {{extjson .Message}}';
      return `{\n${display.allNamespaces ? `  "namespace": "{{color .PodColor .Namespace}}",\n${body}` : body}\n}\n`;
    }
  }
}
