// A stable colour per pod: the same `<ns>/<pod>` gets the same palette slot on every page load and
// for every user, so people can talk about "the orange pod". The palette lives in CSS (`pod-c0`…).

export const POD_PALETTE_SIZE = 12;

/** FNV-1a over UTF-16 code units: tiny, and spreads similar names (`api-1`, `api-2`) apart. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

export function podColourIndex(ns: string, pod: string): number {
  return fnv1a(`${ns}/${pod}`) % POD_PALETTE_SIZE;
}

export function podColourClass(ns: string, pod: string): string {
  return `pod-c${podColourIndex(ns, pod)}`;
}
