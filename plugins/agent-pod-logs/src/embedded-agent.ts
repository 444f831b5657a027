// The agent engine inside the gateway process (embedded mode, no agent DaemonSet): the same
// DemandServer, on the host's bus, over an AgentTail and a listing of a local pods root. Started
// by the first stream that needs it, so registering the plugin opens nothing. With agent
// authentication it signs what it publishes like any agent, but needs no session: it is the
// gateway, and derives its node's key from the gateway's own secret.
import { AgentTail, PodDirectoryScanner, type ContainerLogDir } from '@tailgate/cri-logs';
import type { PluginBus, PluginLogger } from '@tailgate/plugin-sdk';

import type { EmbeddedAgentConfig } from './agent-pod-logs-config';
import { AgentMessageSigner, signingBus } from './agent-message-signer';
import type { AgentSessionKeys } from './agent-session-keys';
import { DemandServer, type NodeTailing } from './demand-server';

export class EmbeddedAgent {
  private readonly tail: AgentTail;
  private readonly scanner: PodDirectoryScanner;
  private readonly server: DemandServer;
  private listed: readonly ContainerLogDir[] = [];
  private scanning: Promise<void> | undefined;
  private starting: Promise<void> | undefined;
  private readonly controller = new AbortController();
  private loop: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    bus: PluginBus,
    private readonly config: EmbeddedAgentConfig,
    private readonly logger: PluginLogger,
    keys?: AgentSessionKeys,
  ) {
    if (keys !== undefined) {
      const node = config.nodeName;
      bus = signingBus(
        bus,
        new AgentMessageSigner(() => {
          const epoch = keys.epochNow();
          return { node, epoch, key: keys.key(node, epoch) };
        }),
      );
    }
    this.tail = new AgentTail(config);
    this.scanner = new PodDirectoryScanner(config.root, {}, ({ code }) => logger.warn({ code }, 'log directory unreadable; skipped'));
    const tailing: NodeTailing = {
      containers: () => this.listed,
      rescan: () => this.scan(),
      follow: (dir) => void this.tail.start(dir, 'end'),
      unfollow: async (path) => void (await this.tail.stop(path)),
    };
    const read = { readChunkBytes: config.readChunkBytes, maxLineBytes: config.maxLineBytes };
    this.server = new DemandServer(bus, tailing, { ...config, read, sweepIntervalMs: 1_000 }, logger);
  }

  /** Paths being tailed now (tests: nothing is open when nobody listens). */
  tailedPaths(): ReadonlySet<string> {
    return this.tail.paths();
  }

  /** Hears demand from now on; idempotent. */
  start(): Promise<void> {
    this.starting ??= this.begin();
    return this.starting;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.controller.abort();
    await this.server.stop();
    await this.loop;
    await this.tail.close();
  }

  private async begin(): Promise<void> {
    await this.scan();
    await this.server.start();
    this.timer = setInterval(() => void this.scan().then(() => this.server.sweep()), this.config.scanIntervalMs);
    this.timer.unref();
    this.loop = this.pump(this.controller.signal);
  }

  private async pump(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        for await (const events of this.tail.run(signal)) await this.server.deliver(events);
      } catch (error) {
        this.logger.error({ err: error instanceof Error ? error.name : 'unknown' }, 'embedded agent step failed; retrying');
        await this.tail.wait(signal);
      }
    }
  }

  private scan(): Promise<void> {
    this.scanning ??= this.scanner
      .scan()
      .then((dirs) => void (this.listed = dirs))
      .catch((error: unknown) => this.logger.error({ err: error instanceof Error ? error.name : 'unknown' }, 'listing pods failed'))
      .finally(() => (this.scanning = undefined));
    return this.scanning;
  }
}
