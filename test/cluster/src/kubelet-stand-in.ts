// A kubelet stand-in: an HTTPS server on 127.0.0.1 registered as a Node, so the real apiserver
// proxies pods/log (→ /containerLogs/…) and nodes/proxy (→ /logs/…) to it. Tests decide what
// each container has written and when it stops:
//
//   const kubelet = await KubeletStandIn.start({ nodeName: 'node-a', nodeAddress: cluster.nodeAddress, tls: cluster.kubeletTls });
//   await kubelet.register(admin);
//   const app = kubelet.container('ns', 'pod-1', 'app');
//   app.write('hello', { stream: 'stderr', ts: '2024-05-01T10:00:00.123456789Z' });
//   app.terminate();   // ends followed streams, as a real kubelet does when the container dies
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { ContainerLog } from './container-log';
import { plain } from './http-text';
import { serveContainerLogs, type ContainerLookup } from './container-logs-endpoint';
import type { KubeClient } from './kube-client';
import { serveNodeLogs } from './node-logs-endpoint';
import { NodeLogs } from './node-logs';

export { ContainerLog } from './container-log';

export interface KubeletStandInOptions {
  readonly nodeName: string;
  /** PEMs: serving cert/key for 127.0.0.1, and the CA that signed the apiserver's client cert. */
  readonly tls: { readonly cert: string; readonly key: string; readonly clientCa: string };
  /** The Node's InternalIP: the cluster's `nodeAddress` (see node-network.ts). */
  readonly nodeAddress: string;
  /** Extra labels on the Node object. */
  readonly labels?: Readonly<Record<string, string>>;
}

/** A request as the stand-in saw it, for assertions about what the apiserver forwarded. */
export interface ObservedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  /** CN of the client certificate (the apiserver's kubelet-client identity). */
  readonly clientName: string | undefined;
  /** Resolves when the response is over: sent in full, or the caller (the apiserver) hung up. */
  readonly closed: Promise<void>;
}

export class KubeletStandIn implements ContainerLookup {
  readonly requests: ObservedRequest[] = [];
  readonly nodeLogs: NodeLogs;
  private readonly pods = new Map<string, Map<string, ContainerLog>>();
  private readonly open = new Set<ServerResponse>();
  private registeredWith: KubeClient | undefined;

  private constructor(
    readonly nodeName: string,
    readonly port: number,
    private readonly server: Server,
    private readonly labels: Readonly<Record<string, string>>,
    readonly nodeAddress: string,
  ) {
    this.nodeLogs = new NodeLogs(nodeName);
  }

  static async start(opts: KubeletStandInOptions): Promise<KubeletStandIn> {
    const server = createServer({
      cert: opts.tls.cert,
      key: opts.tls.key,
      ca: opts.tls.clientCa,
      requestCert: true,
      rejectUnauthorized: false,
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('kubelet stand-in has no port');
    const kubelet = new KubeletStandIn(opts.nodeName, address.port, server, opts.labels ?? {}, opts.nodeAddress);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => kubelet.handle(req, res));
    return kubelet;
  }

  /** The container's log (created, running, on first use; the pod becomes known to this kubelet). */
  container(namespace: string, pod: string, name: string): ContainerLog {
    const key = `${namespace}/${pod}`;
    const containers = this.pods.get(key) ?? new Map<string, ContainerLog>();
    this.pods.set(key, containers);
    const found = containers.get(name) ?? new ContainerLog(namespace, pod, name);
    containers.set(name, found);
    return found;
  }

  findContainer(namespace: string, pod: string, name: string): ContainerLog | 'no-pod' | 'no-container' {
    const containers = this.pods.get(`${namespace}/${pod}`);
    if (containers === undefined) return 'no-pod';
    return containers.get(name) ?? 'no-container';
  }

  /** The pod is gone from this node: its containers stop (ending followed streams). */
  removePod(namespace: string, pod: string): void {
    for (const c of this.pods.get(`${namespace}/${pod}`)?.values() ?? []) c.terminate(137);
    this.pods.delete(`${namespace}/${pod}`);
  }

  /**
   * Cuts every open response mid-stream, as a kubelet restart or its streaming idle timeout
   * does; the containers keep running and keep their logs.
   */
  dropConnections(): void {
    for (const res of this.open) res.destroy();
  }

  /** Creates the Node object and points its status at this server (InternalIP nodeAddress, kubelet port). */
  async register(admin: KubeClient): Promise<void> {
    const labels = { 'kubernetes.io/hostname': this.nodeName, 'kubernetes.io/os': 'linux', ...this.labels };
    await admin.create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: this.nodeName, labels } });
    const now = new Date().toISOString();
    await admin.patch(`/api/v1/nodes/${this.nodeName}/status`, {
      status: {
        addresses: [
          { type: 'InternalIP', address: this.nodeAddress },
          { type: 'Hostname', address: this.nodeName },
        ],
        daemonEndpoints: { kubeletEndpoint: { Port: this.port } },
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'KubeletReady',
            message: 'tailgate kubelet stand-in',
            lastHeartbeatTime: now,
            lastTransitionTime: now,
          },
        ],
        nodeInfo: {
          kubeletVersion: 'v0.0.0-tailgate-stand-in',
          operatingSystem: 'linux',
          architecture: 'amd64',
          machineID: '',
          systemUUID: '',
          bootID: '',
          kernelVersion: '',
          osImage: '',
          containerRuntimeVersion: '',
          kubeProxyVersion: '',
        },
      },
    });
    this.registeredWith = admin;
  }

  /** Ends open streams, closes the server, and deletes the Node object if register() made it. */
  async stop(): Promise<void> {
    for (const res of this.open) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    if (this.registeredWith !== undefined) {
      await this.registeredWith.delete(`/api/v1/nodes/${this.nodeName}`).catch(() => undefined);
    }
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const socket = req.socket as TLSSocket;
    const cn = socket.authorized ? socket.getPeerCertificate().subject.CN : undefined;
    const clientName = Array.isArray(cn) ? cn.join(',') : cn;
    const closed = new Promise<void>((resolve) => res.once('close', resolve));
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, clientName, closed });
    // A real kubelet rejects callers it cannot authenticate; the apiserver always presents its client cert.
    if (!socket.authorized) return plain(res, 401, 'Unauthorized');
    this.open.add(res);
    res.once('close', () => this.open.delete(res));
    if (url.pathname.startsWith('/containerLogs/')) return void serveContainerLogs(this, url, req, res);
    if (url.pathname === '/logs' || url.pathname.startsWith('/logs/')) return serveNodeLogs(this.nodeLogs, url, req, res);
    if (url.pathname === '/healthz') return plain(res, 200, 'ok');
    plain(res, 404, '404 page not found\n');
  }
}
