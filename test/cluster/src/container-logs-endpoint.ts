// GET /containerLogs/{namespace}/{pod}/{container}: the kubelet's getContainerLogs
// (pkg/kubelet/server/server.go) and validateContainerLogStatus (pkg/kubelet/kubelet_pods.go),
// including their status codes and error texts, over the stand-in's container logs.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { toNs, type ContainerInstance, type ContainerLog, type LogStreamName, type ReadOptions } from './container-log';
import { plain } from './http-text';

export interface ContainerLookup {
  findContainer(namespace: string, pod: string, name: string): ContainerLog | 'no-pod' | 'no-container';
}

type Parsed =
  | { readonly ok: true; readonly options: ReadOptions; readonly previous: boolean }
  | { readonly ok: false; readonly status: number; readonly message: string };

const STREAMS: Record<string, readonly LogStreamName[]> = { All: ['stdout', 'stderr'], Stdout: ['stdout'], Stderr: ['stderr'] };

export async function serveContainerLogs(kubelet: ContainerLookup, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const [namespace = '', pod = '', container = ''] = url.pathname.slice('/containerLogs/'.length).split('/').map(decodeURIComponent);
  if (pod === '') return plain(res, 400, '{"message": "Missing podID."}');
  if (container === '') return plain(res, 400, '{"message": "Missing container name."}');
  if (namespace === '') return plain(res, 400, '{"message": "Missing podNamespace."}');
  const parsed = parseLogOptions(url.searchParams);
  if (!parsed.ok) return plain(res, parsed.status, parsed.message);
  const found = kubelet.findContainer(namespace, pod, container);
  if (found === 'no-pod') return plain(res, 404, `pod ${JSON.stringify(pod)} does not exist`);
  if (found === 'no-container') return plain(res, 404, `container ${JSON.stringify(container)} not found in pod ${JSON.stringify(pod)}`);
  const instance: ContainerInstance | undefined = parsed.previous ? found.previous : found.current;
  if (instance === undefined) {
    return plain(res, 400, `previous terminated container ${JSON.stringify(container)} in pod ${JSON.stringify(pod)} not found`);
  }
  res.writeHead(200, { 'content-type': 'text/plain' });
  // The kubelet does a zero-byte write and flushes before reading, so headers go out at once.
  res.flushHeaders();
  const abort = new AbortController();
  // The apiserver hangs up when its own client goes away: a followed read must then end too.
  res.once('close', () => abort.abort());
  await instance.read(parsed.options, { write: (chunk) => res.write(chunk), end: () => res.end() }, abort.signal);
}

function parseBool(raw: string | null): boolean | 'invalid' {
  if (raw === null || raw === '') return false;
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(raw)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(raw)) return false;
  return 'invalid';
}

function parseInt64(raw: string | null): number | undefined | 'invalid' {
  if (raw === null || raw === '') return undefined;
  return /^[+-]?\d+$/.test(raw) ? Number(raw) : 'invalid';
}

/** PodLogOptions from the query (v1 parameter codec), then ValidatePodLogOptions. */
function parseLogOptions(q: URLSearchParams): Parsed {
  const undecodable = { ok: false, status: 400, message: '{"message": "Unable to decode query."}' } as const;
  const invalid = { ok: false, status: 422, message: '{"message": "Invalid request."}' } as const;
  const tail = q.get('tail');
  const tailRaw = tail !== null && tail !== '' ? (tail === 'all' ? null : tail) : q.get('tailLines');
  const [follow, previous, timestamps] = [parseBool(q.get('follow')), parseBool(q.get('previous')), parseBool(q.get('timestamps'))];
  const [tailLines, limitBytes, sinceSeconds] = [parseInt64(tailRaw), parseInt64(q.get('limitBytes')), parseInt64(q.get('sinceSeconds'))];
  if ([follow, previous, timestamps, tailLines, limitBytes, sinceSeconds].includes('invalid')) return undecodable;
  const sinceTimeRaw = q.get('sinceTime');
  let sinceNs: bigint | undefined;
  if (sinceTimeRaw !== null && sinceTimeRaw !== '') {
    try {
      sinceNs = toNs(sinceTimeRaw);
    } catch {
      return undecodable;
    }
  }
  if (typeof tailLines === 'number' && tailLines < 0) return invalid;
  if (typeof limitBytes === 'number' && limitBytes < 1) return invalid;
  if (typeof sinceSeconds === 'number' && sinceSeconds < 1) return invalid;
  if (sinceNs !== undefined && sinceSeconds !== undefined) return invalid;
  if (typeof sinceSeconds === 'number') sinceNs = BigInt(Date.now() - sinceSeconds * 1000) * 1_000_000n;
  const streamName = q.get('stream') ?? 'All';
  const streams = STREAMS[streamName];
  if (streams === undefined) return { ok: false, status: 400, message: `invalid stream type ${JSON.stringify(streamName)}` };
  return {
    ok: true,
    previous: previous === true,
    options: {
      follow: follow === true,
      timestamps: timestamps === true,
      ...(typeof tailLines === 'number' ? { tailLines } : {}),
      ...(typeof limitBytes === 'number' ? { limitBytes } : {}),
      ...(sinceNs === undefined ? {} : { sinceNs }),
      streams: new Set(streams),
    },
  };
}
