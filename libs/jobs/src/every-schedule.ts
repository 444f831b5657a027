// The coalescing id of a job's `every` runs: one scheduled run waits or runs at a time, and a
// plugin's own jobIds (any text without `#every`) never collide with it.

export function everyJobId(name: string): string {
  return `${name}#every`;
}
