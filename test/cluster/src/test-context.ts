// How cluster test files reach the cluster started by global-setup.ts: vitest's provide/inject.
import { inject } from 'vitest';
import { ClusterFixtures } from './fixtures';
import { KubeClient } from './kube-client';
import { KubeletStandIn } from './kubelet-stand-in';
import type { ClusterConnection } from './start-test-cluster';

declare module 'vitest' {
  export interface ProvidedContext {
    tailgateCluster: ClusterConnection;
  }
}

export interface ClusterTestContext {
  readonly cluster: ClusterConnection;
  readonly admin: KubeClient;
  readonly kubelet: KubeletStandIn;
  readonly fixtures: ClusterFixtures;
  /** A client authenticated with a static user's token (see DEFAULT_TEST_USERS). */
  as(userName: string): KubeClient;
  stop(): Promise<void>;
}

/**
 * For a test file's beforeAll: connects to the shared cluster and starts this file's own kubelet
 * stand-in, registered as node `nodeName`. Call stop() in afterAll.
 */
export async function connectToTestCluster(nodeName: string): Promise<ClusterTestContext> {
  const cluster = inject('tailgateCluster');
  const admin = new KubeClient({ server: cluster.server, ca: cluster.ca, token: cluster.adminToken });
  const kubelet = await KubeletStandIn.start({ nodeName, nodeAddress: cluster.nodeAddress, tls: cluster.kubeletTls });
  await kubelet.register(admin);
  return {
    cluster,
    admin,
    kubelet,
    fixtures: new ClusterFixtures(admin, kubelet),
    as: (userName) => {
      const found = cluster.users[userName];
      if (found === undefined) throw new Error(`no static test user ${userName}`);
      return admin.as(found.token);
    },
    stop: () => kubelet.stop(),
  };
}
