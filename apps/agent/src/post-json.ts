// One POST whose answer is read as JSON, on node:http(s) rather than fetch: the agent's only HTTP
// client request (its session), and fetch loads undici, which took 12 MB of RSS against 4 MB for
// node:http (the health server has loaded it already). The answer's body is capped; a body that
// is not JSON reads as undefined. Errors are values: the caller reports codes, never the URL's
// secrets or the request's headers.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** The status and parsed body of an answer, or why there was none. */
export type PostResult = { readonly status: number; readonly body: unknown } | { readonly failed: 'unreachable' | 'timeout' | 'too_large' };

/** Largest answer read, in bytes. */
const MAX_ANSWER_BYTES = 64 * 1024;

export function postJson(url: URL, headers: Readonly<Record<string, string>>, timeoutMs: number): Promise<PostResult> {
  return new Promise((resolve) => {
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method: 'POST', headers, timeout: timeoutMs });
    let settled = false;
    const settle = (result: PostResult): void => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    request.on('timeout', () => {
      settle({ failed: 'timeout' });
      request.destroy();
    });
    request.on('error', () => settle({ failed: 'unreachable' }));
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      response.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > MAX_ANSWER_BYTES) {
          settle({ failed: 'too_large' });
          request.destroy();
          return;
        }
        chunks.push(chunk);
      });
      response.on('error', () => settle({ failed: 'unreachable' }));
      response.on('end', () =>
        settle({ status: response.statusCode ?? 0, body: parseOrUndefined(Buffer.concat(chunks).toString('utf8')) }),
      );
    });
    request.end();
  });
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
