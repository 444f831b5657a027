// The agent-pod-logs plugin: container logs from the node agents over the host's bus, or from the
// agent engine embedded in the gateway (`embedded`, for single-process deployments). Needs the
// host's pod metadata (`podMetadata: kubernetes`, or `file`): without it no agent's node binding
// can be checked, so the plugin refuses to load. With agent authentication (the default) it serves
// the agents' session endpoint and reads only messages signed by their node's session; with
// routing auto it reads pods on nodes without a live agent through the apiserver.
import { kubeServiceRef, kubeTransportServiceRef } from '@tailgate/kube';
import {
  definePlugin,
  logBusServiceRef,
  PluginConfigError,
  pluginHttpServiceRef,
  pluginMetricsServiceRef,
  podMetadataServiceRef,
} from '@tailgate/plugin-sdk';

import { setUpAgentAuthentication } from './agent-authentication';
import { AGENT_PLUGIN_ID } from './agent-channels';
import { AgentDirectory } from './agent-directory';
import { AgentNodeBinding } from './agent-node-binding';
import { AgentPodLogsConfigSchema } from './agent-pod-logs-config';
import { AgentPodLogsSource } from './agent-pod-logs-source';
import type { ApiserverFallbackDeps } from './apiserver-fallback';
import { EmbeddedAgent } from './embedded-agent';

export const agentPodLogsPlugin = definePlugin({
  id: AGENT_PLUGIN_ID,
  description: 'Streams container logs tailed on their node by the Tailgate agent, on demand, filtered on the node.',
  configSchema: AgentPodLogsConfigSchema,
  // TokenReview of the agents' tokens (agent authentication); pods/log for routing auto.
  rbac: [
    { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
    { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
  ],
  register(ctx) {
    const bus = ctx.use(logBusServiceRef);
    const pods = ctx.use(podMetadataServiceRef);
    const metrics = ctx.use(pluginMetricsServiceRef);
    const config = ctx.config;
    const { embedded: settings, rollCallMs, heartbeatTtlMs } = config;
    const { verifier, keys } = setUpAgentAuthentication(config.agentAuthentication, {
      kube: () => (ctx.has(kubeServiceRef) ? ctx.use(kubeServiceRef) : undefined),
      http: () => (ctx.has(pluginHttpServiceRef) ? ctx.use(pluginHttpServiceRef) : undefined),
      metrics,
      logger: ctx.logger,
    });
    const embedded = settings && new EmbeddedAgent(bus, settings, ctx.logger, keys);
    if (embedded) ctx.onShutdown(() => embedded.stop());
    const directory = new AgentDirectory(bus, { rollCallMs, heartbeatTtlMs }, verifier);
    ctx.onShutdown(() => directory.stop());
    const binding = new AgentNodeBinding(pods, (node) => directory.registered(node), metrics);
    let apiserver: ApiserverFallbackDeps | undefined;
    if (config.routing === 'auto') {
      if (!ctx.has(kubeTransportServiceRef) || pods.list === undefined)
        throw new PluginConfigError(`${AGENT_PLUGIN_ID}: routing auto needs kube and a pod metadata service that lists pods`);
      apiserver = {
        transport: ctx.use(kubeTransportServiceRef),
        pods,
        registered: (node) => directory.registered(node),
        rescanMs: config.apiserverRescanMs,
        maxLineBytes: settings?.maxLineBytes ?? 1024 * 1024,
        maxFollows: config.apiserverMaxFollows,
        concurrency: config.apiserverConcurrency,
        logger: ctx.logger,
      };
    }
    const deps = { bus, config, binding, verifier, ...(apiserver && { apiserver }) };
    ctx.addLogSource(new AgentPodLogsSource(deps, directory, embedded));
  },
});
