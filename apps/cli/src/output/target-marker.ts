// stern's `+`/`-` lines (on stderr) as a container starts or stops streaming:
// `+ pod › container`, with the namespace in front when several namespaces are shown.
import { type ColorPicker, MARKER_STARTED, MARKER_STOPPED } from './sgr-color';

export interface MarkerTarget {
  readonly ns: string;
  readonly pod: string;
  readonly container: string;
}

export function targetMarker(
  op: 'added' | 'removed',
  target: MarkerTarget,
  showNamespace: boolean,
  picker: ColorPicker,
  colors: boolean,
): string {
  const sign = op === 'added' ? MARKER_STARTED.wrap('+', colors) : MARKER_STOPPED.wrap('-', colors);
  const { pod, container } = picker.pick(target.pod, target.container);
  const podText = pod.wrap(target.pod, colors);
  const containerText = container.wrap(target.container, colors);
  return showNamespace
    ? `${sign} ${pod.wrap(target.ns, colors)} ${podText} › ${containerText}\n`
    : `${sign} ${podText} › ${containerText}\n`;
}
