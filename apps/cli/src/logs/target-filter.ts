// What the client itself checks of every container, so the output is the same whatever the source
// can filter: the namespaces, the pod query (a regular expression, or a pod name), --exclude-pod,
// --container and --exclude-container. Applied to records and to `target`/`denied` events alike.
import { compileGoRegExp } from '../output/line-filters';
import type { LogsSettings } from './logs-settings';

export interface FilterTarget {
  readonly ns: string;
  readonly pod: string;
  readonly container: string;
}

export class TargetFilter {
  private readonly namespaces: ReadonlySet<string> | undefined;
  private readonly pod: RegExp | undefined;
  private readonly podName: string | undefined;
  private readonly excludePods: readonly RegExp[];
  private readonly container: RegExp | undefined;
  private readonly excludeContainers: readonly RegExp[];
  private readonly verdicts = new Map<string, boolean>();

  constructor(settings: LogsSettings) {
    this.namespaces = settings.allNamespaces ? undefined : new Set(settings.namespaces);
    this.pod = settings.query.kind === 'pattern' ? compileGoRegExp(settings.query.pattern) : undefined;
    this.podName = settings.query.kind === 'resource' && settings.query.resource === 'pod' ? settings.query.name : undefined;
    this.excludePods = settings.excludePod.map((p) => compileGoRegExp(p));
    this.container = settings.container === '.*' ? undefined : compileGoRegExp(settings.container);
    this.excludeContainers = settings.excludeContainer.map((p) => compileGoRegExp(p));
  }

  /** Cached per container: a record costs one map lookup. */
  accepts(target: FilterTarget): boolean {
    const key = `${target.ns}/${target.pod}/${target.container}`;
    let verdict = this.verdicts.get(key);
    if (verdict === undefined) {
      verdict = this.decide(target);
      if (this.verdicts.size > 50_000) this.verdicts.clear();
      this.verdicts.set(key, verdict);
    }
    return verdict;
  }

  private decide({ ns, pod, container }: FilterTarget): boolean {
    if (this.namespaces !== undefined && !this.namespaces.has(ns)) return false;
    if (this.pod !== undefined && !this.pod.test(pod)) return false;
    if (this.podName !== undefined && this.podName !== pod) return false;
    if (this.excludePods.some((re) => re.test(pod))) return false;
    if (this.container !== undefined && !this.container.test(container)) return false;
    return !this.excludeContainers.some((re) => re.test(container));
  }
}
