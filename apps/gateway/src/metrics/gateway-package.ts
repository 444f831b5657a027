// The gateway's own package and version, as `tailgate_plugin_info` names them for the plugins it
// bundles. A constant rather than a read of package.json, so bundled builds (the packed CLI) carry
// it too; gateway-package.spec.ts keeps the two equal.
export const GATEWAY_PACKAGE = { name: '@tailgate/gateway', version: '0.1.0' } as const;
