import { namespaceAllowlistPlugin } from './plugin';

export { NamespaceAllowlistAuthorizer, NAMESPACE_IN_RULE } from './namespace-allowlist-authorizer';
export { namespaceAllowlistPlugin, NamespaceAllowlistConfigSchema, type NamespaceAllowlistConfig } from './plugin';
export default namespaceAllowlistPlugin;
