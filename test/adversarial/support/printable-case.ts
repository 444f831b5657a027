// Generated cases print as short JSON in fast-check's reports (some carry strings of hundreds of
// kilobytes): binary as its length, long strings cut.
import fc from 'fast-check';

const LIMIT = 300;

export function describeCase(value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Uint8Array) return `<${v.length} bytes>`;
    if (typeof v === 'symbol') return `<${v.description ?? 'symbol'}>`;
    if (typeof v === 'string' && v.length > 80) return `${v.slice(0, 40)}…<${v.length} chars>`;
    return v;
  });
  return (text ?? 'undefined').slice(0, LIMIT);
}

/** `value`, printed by fast-check through describeCase. */
export function printable<T extends object>(value: T): T {
  return Object.defineProperty(value, fc.toStringMethod, { value: () => describeCase(value), enumerable: false });
}
