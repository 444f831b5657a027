import { describe, expect, it } from 'vitest';

import { COLOR_PAIRS, ColorPicker, colorIndex, fnv1Hash32, SgrColor } from './sgr-color';

describe('colours', () => {
  it('hashes names with FNV-1 32 (Go hash/fnv New32), as stern does', () => {
    expect(fnv1Hash32('')).toBe(0x811c9dc5);
    expect(fnv1Hash32('a')).toBe(0x050c5d7e);
    expect(fnv1Hash32('foobar')).toBe(0x31f0b262);
  });

  it('gives a pod the same colour pair every time, from its name alone', () => {
    const first = new ColorPicker(false).pick('checkout-api', 'api');
    const again = new ColorPicker(false).pick('checkout-api', 'sidecar');
    const pair = COLOR_PAIRS[colorIndex('checkout-api')]!;
    expect(first).toEqual({ pod: pair[0], container: pair[1] });
    expect(again.pod).toBe(first.pod);
    expect(again.container).toBe(first.container);
  });

  it('colours a container by its own name with --diff-container', () => {
    const picker = new ColorPicker(true);
    expect(picker.pick('checkout-api', 'nginx').container).toBe(COLOR_PAIRS[colorIndex('nginx')]![1]);
    expect(picker.pick('web-frontend', 'nginx').container).toBe(picker.pick('checkout-api', 'nginx').container);
  });

  it('wraps text in SGR sequences only when colours are on', () => {
    const color = new SgrColor([92, 1]);
    expect(color.wrap('+', true)).toBe('\x1b[92;1m+\x1b[0m');
    expect(color.wrap('+', false)).toBe('+');
  });
});
