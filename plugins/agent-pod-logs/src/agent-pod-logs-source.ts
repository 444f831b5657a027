// The `pods` source of agent-pod-logs: container logs served by the node agents (or the embedded
// one) on demand over the bus. Backlogs and resumes are read back from the agents' files with the
// cursors the live tail gives, so the source is resumable like node-file. What an agent sends is
// taken only for pods the apiserver binds to that agent's node (agent-node-binding.ts), and, with
// agent authentication, only when signed by that node's session. With routing auto, a stream also
// reads the pods on nodes without a live agent through the apiserver (apiserver-fallback.ts).
import type { AccessScope, Backlog, BacklogOptions, LogSource, SourceEvent, StreamContext } from '@tailgate/plugin-sdk';

import { agentBacklog } from './agent-backlog';
import type { AgentDirectory } from './agent-directory';
import { agentPodScope, type AgentPodSelector, AgentPodSelectorSchema, agentPodStreamKey } from './agent-pod-selector';
import { type AgentStreamDeps, runAgentStream } from './agent-stream';
import type { EmbeddedAgent } from './embedded-agent';

export class AgentPodLogsSource implements LogSource<AgentPodSelector> {
  readonly name = 'pods';
  readonly description =
    'Container logs tailed on their node by the Tailgate agent, on demand, filtered on the node (stdout/stderr kept apart).';
  readonly selector = AgentPodSelectorSchema;
  /** Cursors come from the log content (node-file's), so they survive agent and gateway restarts. */
  readonly resumable = true;

  constructor(
    private readonly deps: AgentStreamDeps,
    private readonly directory: AgentDirectory,
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
    return agentBacklog(selector, options, ctx.signal, { ...this.deps, directory: this.directory });
  }

  open(selector: AgentPodSelector, ctx: StreamContext): AsyncIterable<SourceEvent> {
    return this.run(selector, ctx);
  }

  private async *run(selector: AgentPodSelector, ctx: StreamContext): AsyncGenerator<SourceEvent> {
    await this.embedded?.start();
    // Messages are taken only from registered nodes: hear who is there before asking.
    await this.directory.ready();
    yield* runAgentStream(selector, this.deps, ctx.signal, ctx.logger);
  }
}
