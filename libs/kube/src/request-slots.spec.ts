import { describe, expect, it } from 'vitest';

import { RequestSlots } from './request-slots';

describe('request slots', () => {
  it('let `size` holders in at once and the rest in arrival order, each release counting once', async () => {
    const slots = new RequestSlots(2);
    const order: string[] = [];
    const a = await slots.acquire();
    const b = await slots.acquire();
    const c = slots.acquire().then((release) => (order.push('c'), release));
    const d = slots.acquire().then((release) => (order.push('d'), release));
    await Promise.resolve();
    expect(order).toEqual([]);
    a();
    a();
    const releaseC = await c;
    expect(order).toEqual(['c']);
    b();
    await d;
    expect(order).toEqual(['c', 'd']);
    releaseC();
    // A freed slot is free again: a new holder gets in at once.
    await slots.acquire();
  });
});
