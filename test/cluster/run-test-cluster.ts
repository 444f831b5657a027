// Starts the test cluster from a shell and keeps it up until Ctrl-C, for poking at it by hand
// (curl, kubectl) or from another script:
//
//   npx tsx test/cluster/run-test-cluster.ts
//
// Prints the kubeconfig path and every static user's token, then waits. SIGINT/SIGTERM stop
// etcd and kube-apiserver by PID; if this process is killed outright, their watchdogs stop them.
import { startTestCluster } from './src/start-test-cluster';

async function main(): Promise<void> {
  const cluster = await startTestCluster();
  const users = Object.values(cluster.users).map((u) => `  ${u.name.padEnd(18)} ${u.token}  groups: ${u.groups.join(',') || '(none)'}`);
  process.stdout.write(
    [
      `kube-apiserver ${cluster.versions.kubernetes} (etcd ${cluster.versions.etcd}) at ${cluster.server}`,
      `export KUBECONFIG=${cluster.kubeconfigPath}`,
      `run directory: ${cluster.runDir}`,
      'static users (bearer tokens):',
      ...users,
      'Ctrl-C stops the cluster.',
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    cluster.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`stopping the cluster failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // The supervised binaries do not keep the event loop alive; this interval does, until stop().
  setInterval(() => undefined, 1 << 30);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
