// Namespace patterns: an exact name, `*` for every namespace, or a prefix ending in `*` (`team-a-*`).

export function matchesNamespace(patterns: readonly string[], namespace: string): boolean {
  return patterns.some((pattern) => (pattern.endsWith('*') ? namespace.startsWith(pattern.slice(0, -1)) : pattern === namespace));
}

export function allowsEveryNamespace(patterns: readonly string[]): boolean {
  return patterns.includes('*');
}
