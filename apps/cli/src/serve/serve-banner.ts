// What `tailgate serve` prints once it listens. The terminal is the user's own, so the local
// token is shown, with the ways to use it. Pure, so the text is checked without a gateway.
export interface DesktopBannerFacts {
  readonly url: string;
  /** The web UI, which signs itself in from this machine. */
  readonly uiUrl?: string;
  readonly token: string;
  readonly kubeconfig: string;
  readonly context?: string;
  /** Empty: all namespaces. */
  readonly namespaces: readonly string[];
}

export function desktopBanner(facts: DesktopBannerFacts): string {
  const { url, token } = facts;
  // `.` matches every pod name (tailgate logs takes a pod query first, as stern does).
  const example = facts.namespaces[0] === undefined ? '. -A' : `. -n ${facts.namespaces[0]}`;
  const watching = facts.namespaces.length === 0 ? ['  watching:   all namespaces'] : facts.namespaces.map((ns) => `  watching:   ${ns}`);
  return lines([
    `Tailgate desktop gateway at ${url} (Socket.IO namespace /logs)`,
    `  token:      ${token}`,
    `  kubeconfig: ${facts.kubeconfig} (${facts.context === undefined ? 'current context' : `context ${facts.context}`})`,
    ...watching,
    ...(facts.uiUrl === undefined ? [] : ['', `Open ${facts.uiUrl} in your browser (it signs in by itself on this machine),`]),
    '',
    'Read logs from another terminal:',
    `  export TAILGATE_SERVER=${url} TAILGATE_TOKEN=${token}`,
    `  tailgate logs ${example}`,
    `or: tailgate logs --server ${url} --token ${token} ${example}`,
    `or from code: connect({ url: '${url}', token }) from @tailgate/client.`,
    'Whoever holds the token reads logs with your cluster rights, until this gateway stops.',
    'Stop with Ctrl-C.',
  ]);
}

export interface DemoBannerFacts {
  readonly url: string;
  /** The web UI's address; undefined when its build is missing. */
  readonly uiUrl: string | undefined;
  readonly pods: readonly { readonly namespace: string; readonly name: string; readonly labels: Readonly<Record<string, string>> }[];
  readonly users: readonly { readonly name: string; readonly groups: readonly string[]; readonly token: string }[];
}

export function demoBanner(facts: DemoBannerFacts): string {
  const { url } = facts;
  const first = facts.users[0];
  return lines([
    `Tailgate demo at ${url} (Socket.IO namespace /logs): no cluster, make-believe pods write live logs`,
    facts.uiUrl === undefined
      ? '  Web UI: not built (npm run build -w @tailgate/web)'
      : `  Web UI: ${facts.uiUrl}  (sign in with a token below)`,
    '',
    '  Pods (labels as the "apiserver" has them):',
    ...facts.pods.map((p) => `    ${`${p.namespace}/${p.name}`.padEnd(26)} ${JSON.stringify(p.labels)}`),
    '',
    '  Users:',
    ...facts.users.map((u) => `    ${u.name.padEnd(6)} groups=${u.groups.join(',').padEnd(8)} token=${u.token}`),
    '',
    ...(first === undefined ? [] : [`Read logs as ${first.name}:`, `  tailgate logs . --server ${url} --token ${first.token} -A`]),
    `Metrics: ${url}/metrics   Health: ${url}/healthz`,
    'Stop with Ctrl-C.',
  ]);
}

function lines(text: readonly string[]): string {
  return `${text.join('\n')}\n`;
}
