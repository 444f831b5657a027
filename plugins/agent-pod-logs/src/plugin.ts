// The agent-pod-logs plugin: container logs from the node agents over the host's bus, or from the
// agent engine embedded in the gateway (`embedded`, for single-process deployments). Needs the
// host's pod metadata (`podMetadata: kubernetes`, or `file`): without it no agent's node binding
// can be checked, so the plugin refuses to load.
import { definePlugin, logBusServiceRef, pluginMetricsServiceRef, podMetadataServiceRef } from '@tailgate/plugin-sdk';

import { AGENT_PLUGIN_ID } from './agent-channels';
import { AgentPodLogsConfigSchema } from './agent-pod-logs-config';
import { AgentDirectory } from './agent-directory';
import { AgentNodeBinding } from './agent-node-binding';
import { AgentPodLogsSource } from './agent-pod-logs-source';
import { EmbeddedAgent } from './embedded-agent';

export const agentPodLogsPlugin = definePlugin({
  id: AGENT_PLUGIN_ID,
  description: 'Streams container logs tailed on their node by the Tailgate agent, on demand, filtered on the node.',
  configSchema: AgentPodLogsConfigSchema,
  register(ctx) {
    const bus = ctx.use(logBusServiceRef);
    const pods = ctx.use(podMetadataServiceRef);
    const metrics = ctx.use(pluginMetricsServiceRef);
    const { embedded: settings, rollCallMs, heartbeatTtlMs } = ctx.config;
    const embedded = settings && new EmbeddedAgent(bus, settings, ctx.logger);
    if (embedded) ctx.onShutdown(() => embedded.stop());
    const directory = new AgentDirectory(bus, { rollCallMs, heartbeatTtlMs });
    ctx.onShutdown(() => directory.stop());
    const binding = new AgentNodeBinding(pods, (node) => directory.registered(node), metrics);
    ctx.addLogSource(new AgentPodLogsSource(bus, ctx.config, directory, binding, embedded));
  },
});
