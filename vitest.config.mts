// One runner for the whole repository. Projects split by what a suite needs to run:
// unit (pure, beside the code), integration (real redis-server, real socket.io-client),
// cluster (real etcd + kube-apiserver from test/cluster), browser (Debian's Chromium).
import { configDefaults, defineConfig } from 'vitest/config';

// No decorator-metadata transform: Nest classes name every injected dependency with @Inject(),
// so esbuild's legacy decorators are enough.
// Workspace packages resolve to their TypeScript sources, so tests never need a build first.
const resolve = { conditions: ['@tailgate/source'] };
const ssr = { resolve: { conditions: ['@tailgate/source'], externalConditions: ['@tailgate/source'] } };

export default defineConfig({
  resolve,
  ssr,
  test: {
    projects: [
      {
        resolve,
        ssr,
        test: {
          name: 'unit',
          include: [
            '{apps,libs,plugins}/*/src/**/*.spec.ts',
            'examples/plugins/*/src/**/*.spec.ts',
            'bench/**/*.spec.ts',
            'test/support/**/*.spec.ts',
            'scripts/**/*.spec.ts',
          ],
        },
      },
      {
        resolve,
        ssr,
        test: {
          name: 'integration',
          include: ['test/{integration,e2e}/**/*.test.ts'],
          globalSetup: ['test/setup/redis.global-setup.ts'],
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
      {
        resolve,
        ssr,
        test: {
          // Property-based fuzzing against a real gateway process (fast-check); TAILGATE_FUZZ_RUNS scales it.
          name: 'adversarial',
          include: ['test/adversarial/**/*.test.ts'],
          // Needs the real apiserver: it runs in the cluster project.
          exclude: [...configDefaults.exclude, 'test/adversarial/rbac-churn.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 90_000,
        },
      },
      {
        resolve,
        ssr,
        test: {
          // The browser build of @tailgate/client and the web UI in Debian's Chromium (playwright-core), against in-process gateways.
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/setup/web-ui.global-setup.ts'],
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
      {
        resolve,
        ssr,
        test: {
          name: 'cluster',
          include: ['test/{cluster,kube}/**/*.test.ts', 'test/adversarial/rbac-churn.test.ts'],
          globalSetup: ['test/cluster/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
