// Public entry of @tailgate/plugin-node-file: the `pods` source over CRI files on this node (the
// reading itself is @tailgate/cri-logs).
import { nodeFilePlugin } from './plugin';

export { NodeFileConfigSchema, type NodeFileConfig } from './node-file-config';
export { NodeFileSource } from './node-file-source';
export { nodeFilePlugin } from './plugin';
export default nodeFilePlugin;
