// log-socket's pod-label policy as an authorizer, on authoritative pod labels.
import { definePlugin, podMetadataServiceRef } from '@tailgate/plugin-sdk';
import { z } from 'zod';

import { PodLabelAuthorizer } from './pod-label-authorizer';

export const PodLabelPolicyConfigSchema = z.strictObject({});

export const podLabelPolicyPlugin = definePlugin({
  id: 'pod-label-policy',
  description: 'Allows a pod when its labels rbac/<namespace>_<serviceaccount> or rbac/policy say allow.',
  configSchema: PodLabelPolicyConfigSchema,
  rbac: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }],
  register(ctx) {
    ctx.addAuthorizer(new PodLabelAuthorizer(ctx.use(podMetadataServiceRef)));
  },
});
