// kube-pod-logs settings for the suites that run the source directly on the test apiserver: fast
// retries and a short deletion drain, so that failures and deletions show within a test's time.
import type { KubePodLogsConfig } from '@tailgate/plugin-kube-pod-logs';

export const POD_LOGS_TEST_CONFIG: KubePodLogsConfig = {
  retryMinMs: 50,
  retryMaxMs: 500,
  watchTimeoutSeconds: 60,
  deletionDrainMs: 300,
  backlogConcurrency: 4,
  maxLineBytes: 64 * 1024,
  maxBatchRecords: 100,
  namespaces: [],
};
