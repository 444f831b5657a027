// How deeply a decoded request argument nests objects and arrays, found without recursion: a
// payload nested thousands of levels deep must be refused before any schema (or JSON.stringify)
// walks it recursively and runs out of stack.

/** Whether `value` nests objects or arrays more than `maxDepth` levels (`{}` is one level). */
export function exceedsDepth(value: unknown, maxDepth: number): boolean {
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    if (!isContainer(next.value)) continue;
    const depth = next.depth + 1;
    if (depth > maxDepth) return true;
    for (const child of Object.values(next.value)) pending.push({ value: child, depth });
  }
  return false;
}

/** Objects and arrays; binary attachments (Buffers, typed arrays) are leaves. */
function isContainer(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !ArrayBuffer.isView(value) && !(value instanceof ArrayBuffer);
}
