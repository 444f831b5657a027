import { kubeTokenPlugin } from './plugin';

export { cacheUntil, tokenExpiry } from './cache-expiry';
export { jwtExpiry } from './jwt-expiry';
export { kubeTokenPlugin, KubeTokenConfigSchema, type KubeTokenConfig } from './plugin';
export { TokenReviewAuthenticator, type TokenReviewSettings } from './token-review-authenticator';
export default kubeTokenPlugin;
