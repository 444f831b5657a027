// Test PKI for one cluster run, made with the openssl CLI: a CA, the apiserver's serving cert,
// the apiserver's client cert for kubelets, a serving cert shared by kubelet stand-ins, and the
// service-account signing key pair. Everything is valid for 127.0.0.1 only and for two days.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NODE_ADDRESS } from './node-network';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ClusterPki {
  readonly dir: string;
  readonly caCert: string;
  readonly caKey: string;
  readonly apiserverCert: string;
  readonly apiserverKey: string;
  /** The identity the apiserver presents to kubelets (CN kube-apiserver-kubelet-client). */
  readonly kubeletClientCert: string;
  readonly kubeletClientKey: string;
  /** Serving cert for kubelet stand-ins (SANs 127.0.0.1 and NODE_ADDRESS), signed by the CA. */
  readonly kubeletServingCert: string;
  readonly kubeletServingKey: string;
  readonly serviceAccountKey: string;
  readonly serviceAccountPub: string;
}

interface LeafSpec {
  readonly name: string;
  readonly subject: string;
  readonly extensions: string;
}

const SERVER_SANS = [
  'IP:127.0.0.1',
  'DNS:localhost',
  'DNS:kubernetes',
  'DNS:kubernetes.default',
  'DNS:kubernetes.default.svc',
  'DNS:kubernetes.default.svc.cluster.local',
].join(',');

const LEAVES: readonly LeafSpec[] = [
  {
    name: 'apiserver',
    subject: '/CN=kube-apiserver',
    extensions: `subjectAltName=${SERVER_SANS}\nextendedKeyUsage=serverAuth\nkeyUsage=digitalSignature,keyEncipherment`,
  },
  {
    name: 'apiserver-kubelet-client',
    subject: '/O=system:masters/CN=kube-apiserver-kubelet-client',
    extensions: 'extendedKeyUsage=clientAuth\nkeyUsage=digitalSignature,keyEncipherment',
  },
  {
    name: 'kubelet',
    subject: '/CN=tailgate-kubelet-stand-in',
    extensions: `subjectAltName=IP:127.0.0.1,IP:${NODE_ADDRESS},DNS:localhost\nextendedKeyUsage=serverAuth\nkeyUsage=digitalSignature,keyEncipherment`,
  },
];

async function openssl(args: readonly string[], cwd: string): Promise<void> {
  try {
    await run('openssl', [...args], { cwd });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`openssl ${args[0] ?? ''} failed: ${stderr || String(error)}`);
  }
}

// EC P-256 keys: generated in milliseconds, accepted by Go's TLS stack and by the SA token signer.
async function ecKey(cwd: string, file: string): Promise<void> {
  await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file], cwd);
}

async function leaf(dir: string, spec: LeafSpec): Promise<void> {
  await ecKey(dir, `${spec.name}.key`);
  await openssl(['req', '-new', '-key', `${spec.name}.key`, '-subj', spec.subject, '-out', `${spec.name}.csr`], dir);
  await writeFile(join(dir, `${spec.name}.ext`), `${spec.extensions}\n`);
  await openssl(
    [
      'x509',
      '-req',
      '-in',
      `${spec.name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      `${spec.name}.ext`,
      '-out',
      `${spec.name}.crt`,
    ],
    dir,
  );
}

/** Writes a fresh PKI into `dir` (which must exist) and returns the file paths. */
export async function createClusterPki(dir: string): Promise<ClusterPki> {
  await ecKey(dir, 'ca.key');
  await openssl(
    [
      'req',
      '-x509',
      '-new',
      '-key',
      'ca.key',
      '-subj',
      '/CN=tailgate-test-ca',
      '-days',
      '2',
      '-out',
      'ca.crt',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign,digitalSignature',
    ],
    dir,
  );
  // Leaves are independent once the CA exists; the serial file is the only shared state, so sign in turn.
  for (const spec of LEAVES) await leaf(dir, spec);
  await ecKey(dir, 'sa.key');
  await openssl(['pkey', '-in', 'sa.key', '-pubout', '-out', 'sa.pub'], dir);
  const path = (file: string): string => join(dir, file);
  return {
    dir,
    caCert: path('ca.crt'),
    caKey: path('ca.key'),
    apiserverCert: path('apiserver.crt'),
    apiserverKey: path('apiserver.key'),
    kubeletClientCert: path('apiserver-kubelet-client.crt'),
    kubeletClientKey: path('apiserver-kubelet-client.key'),
    kubeletServingCert: path('kubelet.crt'),
    kubeletServingKey: path('kubelet.key'),
    serviceAccountKey: path('sa.key'),
    serviceAccountPub: path('sa.pub'),
  };
}
