// The gateway as a library (`@tailgate/gateway`): what runs a gateway inside another process (the
// `tailgate` CLI's desktop mode and demo) and what renders its RBAC. The gateway process itself
// starts from main.ts.
export { ConfigurationError, type RunningGateway, startGateway, type StartGatewayOptions } from './start-gateway';
export { BUNDLED_PLUGINS } from './bundled-plugins';
export { renderRbacManifest } from './k8s/cluster-role';

/* eslint-disable tailgate/layers -- the demo sits above the composition root; this entry is a façade over every layer */
export { createDemoWorld, DEMO_PODS, DEMO_USERS, type DemoPod, type DemoUser, type DemoWorld } from './demo/demo-world';
export { startDemoTraffic } from './demo/demo-traffic';
/* eslint-enable tailgate/layers */
