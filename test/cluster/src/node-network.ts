// How the apiserver reaches kubelet stand-ins that listen on 127.0.0.1.
//
// kube-apiserver refuses to proxy nodes/proxy (Node Log Query) to a node whose address is not
// global unicast (pkg/registry/core/node/strategy.go isProxyableHostname: "address not allowed"),
// so a Node with InternalIP 127.0.0.1 cannot serve /logs/. Instead every stand-in Node gets the
// documentation address NODE_ADDRESS (RFC 5737 TEST-NET-1, never routed), and the apiserver runs
// with HTTPS_PROXY pointing at this CONNECT proxy on 127.0.0.1, which its kubelet client honours
// (client-go transport: http.ProxyFromEnvironment). The proxy maps NODE_ADDRESS:port to
// 127.0.0.1:port and refuses every other target, so no packet ever leaves the loopback interface.
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';

export const NODE_ADDRESS = '192.0.2.10';

export class NodeNetworkProxy {
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<NodeNetworkProxy> {
    const server = createServer((_req, res) => {
      res.writeHead(405, { 'content-type': 'text/plain' });
      res.end('only CONNECT is supported\n');
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('node network proxy has no port');
    const proxy = new NodeNetworkProxy(server, address.port);
    server.on('connect', (req, client: Socket, head: Buffer) => proxy.tunnel(req.url ?? '', client, head));
    return proxy;
  }

  /** The HTTPS_PROXY value for the apiserver. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private tunnel(target: string, client: Socket, head: Buffer): void {
    this.track(client);
    const match = /^(.+):(\d+)$/.exec(target);
    if (match === null || match[1] !== NODE_ADDRESS) {
      client.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    const upstream = connect(Number(match[2]), '127.0.0.1');
    this.track(upstream);
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.once('error', () => (connected ? client.destroy() : client.end('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n')));
    client.once('error', () => upstream.destroy());
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }
}
