// The agent-pod-logs plugin: container logs from the node agents over the host's bus, or from the
// agent engine embedded in the gateway (`embedded`, for single-process deployments).
import { definePlugin, logBusServiceRef } from '@tailgate/plugin-sdk';

import { AGENT_PLUGIN_ID } from './agent-channels';
import { AgentPodLogsConfigSchema } from './agent-pod-logs-config';
import { AgentDirectory } from './agent-directory';
import { AgentPodLogsSource } from './agent-pod-logs-source';
import { EmbeddedAgent } from './embedded-agent';

export const agentPodLogsPlugin = definePlugin({
  id: AGENT_PLUGIN_ID,
  description: 'Streams container logs tailed on their node by the Tailgate agent, on demand, filtered on the node.',
  configSchema: AgentPodLogsConfigSchema,
  register(ctx) {
    const bus = ctx.use(logBusServiceRef);
    const { embedded: settings, rollCallMs, heartbeatTtlMs } = ctx.config;
    const embedded = settings && new EmbeddedAgent(bus, settings, ctx.logger);
    if (embedded) ctx.onShutdown(() => embedded.stop());
    const directory = new AgentDirectory(bus, { rollCallMs, heartbeatTtlMs });
    ctx.onShutdown(() => directory.stop());
    ctx.addLogSource(new AgentPodLogsSource(bus, ctx.config, directory, embedded));
  },
});
