// Terminal colours as stern prints them (fatih/color): an SGR sequence before the text and a reset
// after it, nothing at all when colours are off. Pods get a colour from a hash of their name
// (FNV-1, 32 bit, as stern), so the same pod has the same colour in every run and on every machine.

/** A colour a template can pass to `color`; `enabled` is decided once per run. */
export class SgrColor {
  readonly kind = 'color';
  private readonly open: string;

  constructor(
    /** SGR parameters, e.g. [96] or [92, 1]. */
    readonly params: readonly number[],
  ) {
    this.open = `\x1b[${params.join(';')}m`;
  }

  wrap(text: string, enabled: boolean): string {
    return enabled ? `${this.open}${text}\x1b[0m` : text;
  }
}

// SGR codes (fatih/color attribute values).
const BOLD = 1;
const FG = { black: 30, red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, white: 37 } as const;
const FG_HI = { red: 91, green: 92, yellow: 93, blue: 94, magenta: 95, cyan: 96 } as const;

/** Pod colour, container colour: stern's default list, in stern's order. */
export const COLOR_PAIRS: readonly (readonly [SgrColor, SgrColor])[] = [
  [new SgrColor([FG_HI.cyan]), new SgrColor([FG.cyan])],
  [new SgrColor([FG_HI.green]), new SgrColor([FG.green])],
  [new SgrColor([FG_HI.magenta]), new SgrColor([FG.magenta])],
  [new SgrColor([FG_HI.yellow]), new SgrColor([FG.yellow])],
  [new SgrColor([FG_HI.blue]), new SgrColor([FG.blue])],
  [new SgrColor([FG_HI.red]), new SgrColor([FG.red])],
];

export const MARKER_STARTED = new SgrColor([FG_HI.green, BOLD]);
export const MARKER_STOPPED = new SgrColor([FG_HI.red, BOLD]);
export const HIGHLIGHT = new SgrColor([FG.red, BOLD]);

export const NAMED_COLORS = {
  black: new SgrColor([FG.black]),
  red: new SgrColor([FG.red]),
  green: new SgrColor([FG.green]),
  yellow: new SgrColor([FG.yellow]),
  blue: new SgrColor([FG.blue]),
  magenta: new SgrColor([FG.magenta]),
  cyan: new SgrColor([FG.cyan]),
  white: new SgrColor([FG.white]),
} as const;

/** FNV-1 (not 1a), 32 bit, over the UTF-8 bytes: Go's hash/fnv New32, which stern uses. */
export function fnv1Hash32(name: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(name, 'utf8')) {
    hash = Math.imul(hash, 0x01000193) >>> 0;
    hash = (hash ^ byte) >>> 0;
  }
  return hash;
}

export function colorIndex(name: string): number {
  return fnv1Hash32(name) % COLOR_PAIRS.length;
}

export interface TargetColors {
  readonly pod: SgrColor;
  readonly container: SgrColor;
}

/** The colours of one container's lines, cached per pod and container: a record costs one lookup. */
export class ColorPicker {
  private readonly cache = new Map<string, Map<string, TargetColors>>();

  constructor(
    /** stern's --diff-container: the container colour follows the container's own name. */
    private readonly diffContainer: boolean,
  ) {}

  pick(pod: string, container: string): TargetColors {
    let byContainer = this.cache.get(pod);
    if (byContainer === undefined) {
      byContainer = new Map();
      this.cache.set(pod, byContainer);
    }
    let colors = byContainer.get(container);
    if (colors === undefined) {
      const pair = COLOR_PAIRS[colorIndex(pod)] as readonly [SgrColor, SgrColor];
      const own = this.diffContainer ? (COLOR_PAIRS[colorIndex(container)] as readonly [SgrColor, SgrColor])[1] : pair[1];
      colors = { pod: pair[0], container: own };
      byContainer.set(container, colors);
    }
    return colors;
  }
}
