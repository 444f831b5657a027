import { staticTokensPlugin } from './plugin';

export { StaticTokenAuthenticator } from './static-token-authenticator';
export { parseTokenFile, type TokenEntry } from './token-file';
export { staticTokensPlugin, StaticTokensConfigSchema, type StaticTokensConfig } from './plugin';
export default staticTokensPlugin;
