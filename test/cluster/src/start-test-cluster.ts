// Starts a real etcd + kube-apiserver on 127.0.0.1 for tests and scripts.
//
//   const cluster = await startTestCluster();
//   ... cluster.server, cluster.users.alice.token, cluster.kubeconfigPath ...
//   await cluster.stop();
//
// Everything lives in a per-run directory under the state root (PKI, token file, etcd data,
// logs, kubeconfig). The binaries run under watchdogs, so they die with the calling process.
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { binariesIn, ensureBinaries, type ClusterBinaries } from './binaries';
// Relative on purpose: global setup files do not get the @tailgate/source condition (see test/setup).
import { freePort } from '../../../libs/testing/src/free-port';
import { NODE_ADDRESS, NodeNetworkProxy } from './node-network';
import { KubeClient } from './kube-client';
import { createClusterPki, type ClusterPki } from './pki';
import { probe, waitForReady } from './readiness';
import { RunRegistry, SupervisedProcess } from './supervised-process';
import { DEFAULT_TEST_USERS, tokenFileLine, type StaticUser, type StaticUserCredentials } from './test-users';

export const SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

export interface TestClusterOptions {
  /** Directory holding `etcd` and `kube-apiserver`. Default: whatever build.sh builds or finds. */
  readonly binDir?: string;
  /** Where run directories go. Default: $TAILGATE_CLUSTER_STATE_DIR or <tmpdir>/tailgate-cluster. */
  readonly stateRoot?: string;
  /** Static-token users. Default: DEFAULT_TEST_USERS (must include `admin` in system:masters). */
  readonly users?: readonly StaticUser[];
  /** Extra --api-audiences besides the issuer. Default: none. */
  readonly extraAudiences?: readonly string[];
  /** Keep the run directory (logs, etcd data) after stop(). Default: $TAILGATE_CLUSTER_KEEP === '1'. */
  readonly keepState?: boolean;
  /** How long to wait for /readyz. Default: 120 s. */
  readonly readyTimeoutMs?: number;
}

/** Plain, serialisable connection facts: what vitest's provide() hands to test files. */
export interface ClusterConnection {
  /** https://127.0.0.1:PORT */
  readonly server: string;
  /** PEM of the cluster CA (signs the apiserver's and the kubelet stand-ins' serving certs). */
  readonly ca: string;
  readonly caPath: string;
  readonly kubeconfigPath: string;
  readonly adminToken: string;
  readonly users: Readonly<Record<string, StaticUserCredentials>>;
  readonly serviceAccountIssuer: string;
  readonly apiAudiences: readonly string[];
  /** The InternalIP kubelet stand-in Nodes must report; the apiserver reaches it through NodeNetworkProxy. */
  readonly nodeAddress: string;
  /** PEMs for a kubelet stand-in: its serving cert/key, and the CA its client (the apiserver) must present. */
  readonly kubeletTls: { readonly cert: string; readonly key: string; readonly clientCa: string };
  readonly runDir: string;
  readonly versions: { readonly kubernetes: string; readonly etcd: string };
}

export interface TestCluster extends ClusterConnection {
  /** A client authenticated as `admin` (system:masters). */
  admin(): KubeClient;
  /** Stops kube-apiserver and etcd by PID and removes the run directory (unless kept). */
  stop(): Promise<void>;
}

export async function startTestCluster(opts: TestClusterOptions = {}): Promise<TestCluster> {
  const stateRoot = opts.stateRoot ?? process.env['TAILGATE_CLUSTER_STATE_DIR'] ?? join(tmpdir(), 'tailgate-cluster');
  const swept = await RunRegistry.sweep(stateRoot);
  if (swept.length > 0) process.stderr.write(`[tailgate cluster] killed leftovers of a dead run: ${swept.join(', ')}\n`);

  const bins = opts.binDir === undefined ? await ensureBinaries() : binariesIn(opts.binDir);
  const runDir = join(stateRoot, `run-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(join(runDir, 'pki'), { recursive: true });
  const registry = new RunRegistry(runDir);
  const started: SupervisedProcess[] = [];
  let nodeNetwork: NodeNetworkProxy | undefined;
  const stopAll = async (): Promise<void> => {
    for (const proc of [...started].reverse()) await proc.stop();
    await nodeNetwork?.stop();
  };

  try {
    const pki = await createClusterPki(join(runDir, 'pki'));
    const users = credentialsFor(opts.users ?? DEFAULT_TEST_USERS);
    const admin = users['admin'];
    if (admin === undefined) throw new Error('the user list must contain "admin" (in system:masters)');
    const tokenFile = join(runDir, 'tokens.csv');
    await writeFile(tokenFile, `${Object.values(users).map(tokenFileLine).join('\n')}\n`, { mode: 0o600 });

    const etcdUrl = await startEtcd(bins, runDir, registry, started);
    nodeNetwork = await NodeNetworkProxy.start();
    const audiences = [SERVICE_ACCOUNT_ISSUER, ...(opts.extraAudiences ?? [])];
    const port = await freePort();
    const server = `https://127.0.0.1:${port}`;
    const apiserver = await SupervisedProcess.start(
      'kube-apiserver',
      bins.kubeApiserver,
      apiserverArgs({ pki, etcdUrl, port, tokenFile, audiences, certDir: join(runDir, 'apiserver-certs') }),
      join(runDir, 'kube-apiserver.log'),
      apiserverEnv(nodeNetwork),
    );
    started.push(apiserver);
    await registry.add(apiserver.record);
    const ca = await readFile(pki.caCert, 'utf8');
    await waitForReady(apiserver, async () => (await probe(`${server}/readyz`, ca)).status === 200, opts.readyTimeoutMs ?? 120_000);

    const kubeconfigPath = join(runDir, 'kubeconfig');
    await writeFile(kubeconfigPath, kubeconfig(server, pki.caCert, admin.token), { mode: 0o600 });
    const connection: ClusterConnection = {
      server,
      ca,
      caPath: pki.caCert,
      kubeconfigPath,
      adminToken: admin.token,
      users,
      serviceAccountIssuer: SERVICE_ACCOUNT_ISSUER,
      apiAudiences: audiences,
      nodeAddress: NODE_ADDRESS,
      kubeletTls: {
        cert: await readFile(pki.kubeletServingCert, 'utf8'),
        key: await readFile(pki.kubeletServingKey, 'utf8'),
        clientCa: ca,
      },
      runDir,
      versions: await versionsOf(bins),
    };
    const keep = opts.keepState ?? process.env['TAILGATE_CLUSTER_KEEP'] === '1';
    return {
      ...connection,
      admin: () => new KubeClient({ server, ca, token: admin.token }),
      stop: async () => {
        await stopAll();
        if (!keep) await rm(runDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function startEtcd(bins: ClusterBinaries, runDir: string, registry: RunRegistry, started: SupervisedProcess[]): Promise<string> {
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const clientUrl = `http://127.0.0.1:${clientPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const etcd = await SupervisedProcess.start(
    'etcd',
    bins.etcd,
    [
      '--name=tailgate',
      `--data-dir=${join(runDir, 'etcd')}`,
      `--listen-client-urls=${clientUrl}`,
      `--advertise-client-urls=${clientUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=tailgate=${peerUrl}`,
      '--unsafe-no-fsync',
      '--log-level=warn',
    ],
    join(runDir, 'etcd.log'),
  );
  started.push(etcd);
  await registry.add(etcd.record);
  await waitForReady(etcd, async () => (await probe(`${clientUrl}/health`)).body.includes('"health":"true"'), 60_000);
  return clientUrl;
}

interface ApiserverInputs {
  readonly pki: ClusterPki;
  readonly etcdUrl: string;
  readonly port: number;
  readonly tokenFile: string;
  readonly audiences: readonly string[];
  readonly certDir: string;
}

function apiserverArgs(i: ApiserverInputs): string[] {
  return [
    `--etcd-servers=${i.etcdUrl}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${i.port}`,
    `--cert-dir=${i.certDir}`,
    `--tls-cert-file=${i.pki.apiserverCert}`,
    `--tls-private-key-file=${i.pki.apiserverKey}`,
    `--client-ca-file=${i.pki.caCert}`,
    `--token-auth-file=${i.tokenFile}`,
    `--service-account-issuer=${SERVICE_ACCOUNT_ISSUER}`,
    `--service-account-key-file=${i.pki.serviceAccountPub}`,
    `--service-account-signing-key-file=${i.pki.serviceAccountKey}`,
    `--api-audiences=${i.audiences.join(',')}`,
    '--authorization-mode=Node,RBAC',
    '--service-cluster-ip-range=10.96.0.0/16',
    // The apiserver reaches kubelet stand-ins on the node's InternalIP (see node-network.ts), verifies their
    // serving cert against our CA, and authenticates to them with its own client cert.
    '--kubelet-preferred-address-types=InternalIP',
    `--kubelet-certificate-authority=${i.pki.caCert}`,
    `--kubelet-client-certificate=${i.pki.kubeletClientCert}`,
    `--kubelet-client-key=${i.pki.kubeletClientKey}`,
    '--allow-privileged=true',
    '--profiling=false',
    '--v=1',
  ];
}

// Only the apiserver's connections to NODE_ADDRESS go through the proxy: Go never proxies
// loopback targets (etcd, its own loopback client), and NO_PROXY says so explicitly too.
function apiserverEnv(nodeNetwork: NodeNetworkProxy): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HTTPS_PROXY: nodeNetwork.url, NO_PROXY: '127.0.0.1,localhost' };
  for (const name of ['https_proxy', 'HTTP_PROXY', 'http_proxy', 'no_proxy', 'ALL_PROXY', 'all_proxy']) delete env[name];
  return env;
}

function credentialsFor(users: readonly StaticUser[]): Record<string, StaticUserCredentials> {
  const out: Record<string, StaticUserCredentials> = {};
  for (const user of users) {
    out[user.name] = { ...user, uid: randomUUID(), token: randomBytes(24).toString('hex') };
  }
  return out;
}

function kubeconfig(server: string, caPath: string, token: string): string {
  return JSON.stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'tailgate-test', cluster: { server, 'certificate-authority': caPath } }],
      users: [{ name: 'admin', user: { token } }],
      contexts: [{ name: 'tailgate-test', context: { cluster: 'tailgate-test', user: 'admin' } }],
      'current-context': 'tailgate-test',
    },
    null,
    2,
  );
}

async function versionsOf(bins: ClusterBinaries): Promise<{ kubernetes: string; etcd: string }> {
  const run = promisify(execFile);
  const kas = (await run(bins.kubeApiserver, ['--version'])).stdout.trim().replace(/^Kubernetes /, '');
  const etcd = /etcd Version: (\S+)/.exec((await run(bins.etcd, ['--version'])).stdout)?.[1] ?? 'unknown';
  return { kubernetes: kas, etcd };
}
