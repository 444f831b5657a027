// The node-file plugin: container logs straight from the node's CRI log files.
import { definePlugin } from '@tailgate/plugin-sdk';

import { NodeFileConfigSchema } from './node-file-config';
import { NodeFileSource } from './node-file-source';

export const nodeFilePlugin = definePlugin({
  id: 'node-file',
  description: 'Streams container logs from the CRI log files under /var/log/pods (rotation and partial lines handled).',
  configSchema: NodeFileConfigSchema,
  register(ctx) {
    ctx.addLogSource(new NodeFileSource(ctx.config));
  },
});
