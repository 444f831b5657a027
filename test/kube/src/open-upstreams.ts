// Upstream requests a kube source holds, counted from outside it for the conformance kit's
// release checks (LogSourceFixture.openUpstreams): what is in flight through its transport
// (a streamed read until its body closes, a watch until it ends, a JSON call until answered),
// and what the kubelet stand-in still serves for it, the apiserver's proxied side of a read.
import type { KubeTransport } from '@tailgate/kube';

import type { KubeletStandIn, ObservedRequest } from '../../cluster/src/kubelet-stand-in';

export interface CountingTransport {
  readonly transport: KubeTransport;
  /** Requests in flight through `transport` now. */
  open(): number;
}

export function countingTransport(inner: KubeTransport): CountingTransport {
  let open = 0;
  const settled = async <T>(work: Promise<T>): Promise<T> => {
    open++;
    try {
      return await work;
    } finally {
      open--;
    }
  };
  const transport: KubeTransport = {
    json: (method, path, schema, body, signal) => settled(inner.json(method, path, schema, body, signal)),
    patch: (path, operations, schema, signal) => settled(inner.patch(path, operations, schema, signal)),
    async *watch(path, signal, idleMs) {
      open++;
      try {
        yield* inner.watch(path, signal, idleMs);
      } finally {
        open--;
      }
    },
    async stream(path, signal) {
      open++;
      const response = await inner.stream(path, signal).catch((error: unknown) => {
        open--;
        throw error;
      });
      if (!response.ok || response.body.closed) open--;
      else response.body.once('close', () => open--);
      return response;
    },
  };
  return { transport, open: () => open };
}

/** Requests the stand-in still serves among those `matches` picks. */
export function openKubeletRequests(kubelet: KubeletStandIn, matches: (request: ObservedRequest) => boolean): () => number {
  const watched = new WeakSet<ObservedRequest>();
  const closed = new WeakSet<ObservedRequest>();
  return () =>
    kubelet.requests.filter((request) => {
      if (!watched.has(request)) {
        watched.add(request);
        void request.closed.then(() => closed.add(request));
      }
      return matches(request) && !closed.has(request);
    }).length;
}
