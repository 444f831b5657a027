// What the log says of an error from a source or the bus: its name and code, never its message
// (upstream error text may carry secrets; see STYLE.md, "Errors are values with codes").

export function errorName(error: unknown): string {
  if (error instanceof Error) return 'code' in error && typeof error.code === 'string' ? `${error.name}(${error.code})` : error.name;
  return 'unknown';
}
