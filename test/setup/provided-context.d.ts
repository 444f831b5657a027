// Values the global setups provide to test files through `inject()`.
export {};

declare module 'vitest' {
  export interface ProvidedContext {
    /** `redis://127.0.0.1:<port>` of the redis-server shared by the whole run. */
    redisUrl: string;
    /** The browser run's build of the web UI (test/setup/web-ui.global-setup.ts). */
    webUiDir: string;
  }
}
