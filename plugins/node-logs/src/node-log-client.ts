// Sends Node Log Queries through the apiserver (the gateway's own identity, which needs get on
// nodes/proxy) and returns the answer's lines. Failures become coded errors (node-log-errors);
// those worth it are retried with backoff first.
import { StringDecoder } from 'node:string_decoder';

import type { KubeTransport } from '@tailgate/kube';
import { NotFoundError, UpstreamUnavailableError } from '@tailgate/plugin-sdk';

import { MESSAGES, nodeLogQueryError } from './node-log-errors';
import { nodeLogPath, type NodeLogRequest } from './node-log-request';
import { type RetryPolicy, withRetries } from './retry-with-backoff';

export class NodeLogClient {
  constructor(
    private readonly transport: Pick<KubeTransport, 'stream'>,
    private readonly retry: RetryPolicy,
  ) {}

  /** The answer's lines, without line ends (the kubelet ends every request after 30 s). */
  query(node: string, request: NodeLogRequest, signal: AbortSignal): Promise<string[]> {
    return withRetries(() => this.once(node, request, signal), this.retry, signal);
  }

  private async once(node: string, request: NodeLogRequest, signal: AbortSignal): Promise<string[]> {
    const answer = await this.transport.stream(nodeLogPath(node, request), signal);
    if (!answer.ok) throw nodeLogQueryError(answer);
    // With NodeLogQuery off but the log handler on, the kubelet ignores the query and lists /var/log.
    if (String(answer.body.headers['content-type'] ?? '').startsWith('text/html')) {
      answer.body.destroy();
      throw new NotFoundError(MESSAGES.notServed, { details: { status: answer.status } });
    }
    try {
      return await readLines(answer.body);
    } catch (error) {
      if (signal.aborted) throw error;
      throw new UpstreamUnavailableError(`${MESSAGES.unavailable} (the answer broke off)`, { cause: error });
    }
  }
}

async function readLines(body: AsyncIterable<unknown>): Promise<string[]> {
  const decoder = new StringDecoder('utf8');
  let text = '';
  for await (const chunk of body) text += decoder.write(chunk as Buffer);
  text += decoder.end();
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
}
