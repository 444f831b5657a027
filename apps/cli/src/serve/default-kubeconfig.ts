// Which kubeconfig file desktop mode reads when none is named: the first file of `KUBECONFIG`
// (kubectl merges a list; one file is what the gateway's connection takes), else ~/.kube/config.
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

export function defaultKubeconfigPath(env: Readonly<Record<string, string | undefined>> = process.env, home = homedir()): string {
  const first = env.KUBECONFIG?.split(delimiter).find((path) => path !== '');
  return first ?? join(home, '.kube', 'config');
}
