import { describe, expect, it } from 'vitest';

import { ColorPicker, COLOR_PAIRS, colorIndex } from './sgr-color';
import { targetMarker } from './target-marker';

const target = { ns: 'team-a', pod: 'checkout-api', container: 'api' };

describe('+/- lines', () => {
  it("prints stern's started and stopped lines", () => {
    const picker = new ColorPicker(false);
    expect(targetMarker('added', target, false, picker, false)).toBe('+ checkout-api › api\n');
    expect(targetMarker('removed', target, true, picker, false)).toBe('- team-a checkout-api › api\n');
  });

  it('colours the sign, the pod (and namespace) and the container', () => {
    const [pod, container] = COLOR_PAIRS[colorIndex('checkout-api')]!;
    const p = `\x1b[${pod.params.join(';')}m`;
    const c = `\x1b[${container.params.join(';')}m`;
    expect(targetMarker('added', target, true, new ColorPicker(false), true)).toBe(
      `\x1b[92;1m+\x1b[0m ${p}team-a\x1b[0m ${p}checkout-api\x1b[0m › ${c}api\x1b[0m\n`,
    );
    expect(targetMarker('removed', target, false, new ColorPicker(false), true)).toBe(
      `\x1b[91;1m-\x1b[0m ${p}checkout-api\x1b[0m › ${c}api\x1b[0m\n`,
    );
  });
});
