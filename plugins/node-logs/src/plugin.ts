// The node-logs plugin: a node's own logs (kubelet, container runtime, journal units, /var/log
// files) through the kubelet's Node Log Query, behind the apiserver's node proxy.
import { kubeTransportServiceRef } from '@tailgate/kube';
import { definePlugin } from '@tailgate/plugin-sdk';

import { NodeLogSource } from './node-log-source';
import { NodeLogsConfigSchema } from './node-logs-config';

export const nodeLogsPlugin = definePlugin({
  id: 'node-logs',
  description: "Streams a node's own logs (journal units such as kubelet and containerd, files under /var/log) through Node Log Query.",
  configSchema: NodeLogsConfigSchema,
  // The apiserver authorizes the proxy as get nodes/proxy (the kubelet then checks nodes/log for the apiserver's own identity).
  rbac: [{ apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] }],
  register(ctx) {
    ctx.addLogSource(new NodeLogSource(ctx.use(kubeTransportServiceRef), ctx.config));
  },
});
