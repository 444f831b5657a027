// Public entry of @tailgate/plugin-flow-tap: the plugin, and the names other parts agree on.
import { flowTapPlugin } from './plugin';

export * from './tap-ref';
export { type FlowTapConfig, FlowTapConfigSchema } from './flow-tap-config';
export { FLOWS_SOURCE_NAME, FlowTapSource } from './flow-tap-source';
export { type FlowSelector } from './flow-selector';
export { FLOW_TAP_PLUGIN_ID, flowTapPlugin } from './plugin';
export default flowTapPlugin;
