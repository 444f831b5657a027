// The kube-events plugin: Kubernetes Events next to container logs (Kubetail #627), through the
// apiserver, for gateways connected to a cluster (`kube:` configured).
import { kubeServiceRef, kubeTransportServiceRef } from '@tailgate/kube';
import { definePlugin } from '@tailgate/plugin-sdk';

import { KubeEventsConfigSchema } from './kube-events-config';
import { KubeEventsSource } from './kube-events-source';

export const kubeEventsPlugin = definePlugin({
  id: 'kube-events',
  description: 'Streams Kubernetes Events (events.k8s.io/v1) of namespaces, each as a record of the object it regards.',
  configSchema: KubeEventsConfigSchema,
  rbac: [
    { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['list', 'watch'] },
    // admit asks whether a subject may list events in the namespaces it selects.
    { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
  ],
  register(ctx) {
    ctx.addLogSource(new KubeEventsSource(ctx.use(kubeServiceRef), ctx.use(kubeTransportServiceRef), ctx.config));
  },
});
