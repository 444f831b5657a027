// One Node Log Query as sent through the apiserver's node proxy. The trailing slash after `logs`
// matters: the kubelet mounts the handler with http.StripPrefix("/logs/", …).

export interface NodeLogRequest {
  /** Services, or one file path relative to /var/log. */
  readonly query: readonly string[];
  readonly pattern?: string;
  readonly boot?: number;
  /** RFC 3339; journalctl reads it in whole seconds. */
  readonly sinceTime?: string;
  readonly untilTime?: string;
  readonly tailLines?: number;
}

export function nodeLogPath(node: string, request: NodeLogRequest): string {
  const params = new URLSearchParams();
  for (const entry of request.query) params.append('query', entry);
  if (request.pattern !== undefined) params.set('pattern', request.pattern);
  if (request.boot !== undefined) params.set('boot', String(request.boot));
  if (request.sinceTime !== undefined) params.set('sinceTime', request.sinceTime);
  if (request.untilTime !== undefined) params.set('untilTime', request.untilTime);
  if (request.tailLines !== undefined) params.set('tailLines', String(request.tailLines));
  return `/api/v1/nodes/${encodeURIComponent(node)}/proxy/logs/?${params.toString()}`;
}
