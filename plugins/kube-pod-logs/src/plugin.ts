// Pod logs through kube-apiserver, for gateways connected to a cluster (`kube:` configured).
import { kubeTransportServiceRef } from '@tailgate/kube';
import { definePlugin } from '@tailgate/plugin-sdk';

import { KubePodLogsConfigSchema } from './kube-pod-logs-config';
import { KubePodLogsSource } from './kube-pod-logs-source';

export const kubePodLogsPlugin = definePlugin({
  id: 'kube-pod-logs',
  description: 'Streams container logs through the Kubernetes API (pods/log), one shared request per container.',
  configSchema: KubePodLogsConfigSchema,
  rbac: [
    { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
    { apiGroups: ['apps'], resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'], verbs: ['get'] },
    { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: ['get'] },
  ],
  register(ctx) {
    ctx.addLogSource(new KubePodLogsSource(ctx.use(kubeTransportServiceRef), ctx.config, ctx.logger));
  },
});
