// vitest globalSetup for the `cluster` project: one real etcd + kube-apiserver for the whole run.
// Test files get the connection facts with inject('tailgateCluster') (see src/test-context.ts).
import type { TestProject } from 'vitest/node' with { 'resolution-mode': 'import' };
import { startTestCluster } from './src/start-test-cluster';
import './src/test-context';
import { locateK8sTools } from '../kube/src/k8s-tools';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  // helm and kustomize first: when they are missing the run fails here, before any cluster work.
  project.provide('tailgateK8sTools', await locateK8sTools());
  const cluster = await startTestCluster();
  process.stderr.write(
    `[tailgate cluster] kube-apiserver ${cluster.versions.kubernetes} + etcd ${cluster.versions.etcd} ready at ${cluster.server} in ${Date.now() - started} ms\n`,
  );
  const { admin: _admin, stop: _stop, ...connection } = cluster;
  project.provide('tailgateCluster', connection);
  return async () => {
    const stopping = Date.now();
    await cluster.stop();
    process.stderr.write(`[tailgate cluster] stopped in ${Date.now() - stopping} ms\n`);
  };
}
