// The `pods` source of agent-pod-logs: container logs served by the node agents (or the embedded
// one) on demand over the bus. Backlogs and resumes are read back from the agents' files with the
// cursors the live tail gives, so the source is resumable like node-file. What an agent sends is
// taken only for pods the apiserver binds to that agent's node (agent-node-binding.ts).
import type { AccessScope, Backlog, BacklogOptions, LogSource, PluginBus, SourceEvent, StreamContext } from '@tailgate/plugin-sdk';

import { agentBacklog } from './agent-backlog';
import type { AgentDirectory } from './agent-directory';
import type { AgentNodeBinding } from './agent-node-binding';
import type { AgentPodLogsConfig } from './agent-pod-logs-config';
import { agentPodScope, type AgentPodSelector, AgentPodSelectorSchema, agentPodStreamKey } from './agent-pod-selector';
import { runAgentStream } from './agent-stream';
import type { EmbeddedAgent } from './embedded-agent';

export class AgentPodLogsSource implements LogSource<AgentPodSelector> {
  readonly name = 'pods';
  readonly description =
    'Container logs tailed on their node by the Tailgate agent, on demand, filtered on the node (stdout/stderr kept apart).';
  readonly selector = AgentPodSelectorSchema;
  /** Cursors come from the log content (node-file's), so they survive agent and gateway restarts. */
  readonly resumable = true;

  constructor(
    private readonly bus: PluginBus,
    private readonly config: AgentPodLogsConfig,
    private readonly directory: AgentDirectory,
    private readonly binding: AgentNodeBinding,
    private readonly embedded?: EmbeddedAgent,
  ) {}

  streamKey(selector: AgentPodSelector): string {
    return agentPodStreamKey(selector);
  }

  scope(selector: AgentPodSelector): readonly AccessScope[] {
    return agentPodScope(selector);
  }

  async backlog(selector: AgentPodSelector, options: BacklogOptions, ctx: StreamContext): Promise<Backlog> {
    await this.embedded?.start();
    return agentBacklog(selector, options, ctx.signal, {
      bus: this.bus,
      directory: this.directory,
      config: this.config,
      binding: this.binding,
    });
  }

  open(selector: AgentPodSelector, ctx: StreamContext): AsyncIterable<SourceEvent> {
    return this.run(selector, ctx);
  }

  private async *run(selector: AgentPodSelector, ctx: StreamContext): AsyncGenerator<SourceEvent> {
    await this.embedded?.start();
    // Messages are taken only from registered nodes: hear who is there before asking.
    await this.directory.ready();
    yield* runAgentStream(selector, this.bus, this.config, ctx.signal, ctx.logger, this.binding);
  }
}
