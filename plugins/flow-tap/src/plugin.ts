// The flow-tap plugin: a logging-operator Flow or ClusterFlow's live output, tapped on demand
// (log-socket's use case, done safely). Gateway: the `flows` source and the ingest endpoint;
// worker: the jobs that create and remove the taps' Outputs and Flow refs.
import { definePlugin } from '@tailgate/plugin-sdk';

import { FlowTapConfigSchema } from './flow-tap-config';
import { readIngestBody } from './ingest';
import { addTapJobs, FLOW_TAP_JOB_RBAC } from './reconcile';
import { registerFlowTapGateway } from './register-flow-tap';

export const FLOW_TAP_PLUGIN_ID = 'flow-tap';

export const flowTapPlugin = definePlugin({
  id: FLOW_TAP_PLUGIN_ID,
  description: 'Live output of logging-operator Flows and ClusterFlows, tapped while someone listens; every record judged by its pod.',
  configSchema: FlowTapConfigSchema,
  // The gateway's part: admit asks SubjectAccessReviews whether a subject may get the Flow.
  rbac: [{ apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] }],
  // The worker's part: the reconcile job's Outputs, Flow patches and tap Secrets.
  jobRbac: FLOW_TAP_JOB_RBAC,
  register(ctx) {
    const jobs = addTapJobs(ctx);
    registerFlowTapGateway(ctx, jobs, readIngestBody);
  },
});
