// One round of convergence: lists our Outputs, plans against the wanted taps (tap-plan.ts) and
// carries the plan out. A tap is made Output first (its creation is the claim: of two runs, one
// gets 201), then its Secret, owned by that Output, then its stored credential, then the ref;
// it is taken down in the reverse order, so fluentd's config never names an Output that is gone.
// One tap's failure does not stop the others; the round then throws so the job is retried.
import type { PluginLogger, SharedState } from '@tailgate/plugin-sdk';
import { z } from 'zod';

import { newTapCredential, storedCredential, TAP_USERNAME } from '../tap-credential';
import type { TapRef } from '../tap-ref';
import { tapKey } from '../tap-ref';
import { credentialKey } from '../tap-state';
import { setOutputRef } from './flow-refs';
import { kubeStatus, type LoggingObjects, type ManagedOutput } from './logging-objects';
import type { ReconcileCounters } from './reconcile-metrics';
import { outputName, secretName, tapAnnotations, tapLabels } from './tap-object-names';
import { tapOfOutput, planTaps, type TapAction } from './tap-plan';
import { PASSWORD_KEY, tapOutputSpec, USERNAME_KEY } from './tap-output-spec';

/** Tap keys (or `<namespace>/<name>` of an Output whose tap is unknown) by what happened to them. */
export interface ReconcileSummary {
  readonly created: string[];
  readonly replaced: string[];
  readonly removed: string[];
  readonly refsRestored: string[];
  readonly flowsMissing: string[];
}

export interface TapReconcilerDeps {
  readonly objects: LoggingObjects;
  readonly state: SharedState;
  readonly ingestUrl: string;
  readonly logger: PluginLogger;
  readonly counters: ReconcileCounters;
}

const GenerationSchema = z.object({ generation: z.string() });

export class TapReconciler {
  constructor(private readonly deps: TapReconcilerDeps) {}

  async converge(wanted: readonly TapRef[]): Promise<ReconcileSummary> {
    const summary: ReconcileSummary = { created: [], replaced: [], removed: [], refsRestored: [], flowsMissing: [] };
    const existing = await this.deps.objects.listManagedOutputs();
    const storedGenerations = await this.storedGenerations([...wanted, ...existing.flatMap((o) => tapOfOutput(o) ?? [])]);
    let failed: Error | undefined;
    for (const action of planTaps({ wanted, existing, storedGenerations, ingestUrl: this.deps.ingestUrl })) {
      try {
        await this.apply(action, storedGenerations, summary);
      } catch (error) {
        const status = kubeStatus(error);
        this.deps.logger.warn(
          { tap: subjectOf(action), action: action.type, err: describe(error), status },
          'flow tap reconcile step failed',
        );
        failed ??= error instanceof Error ? error : new Error('flow tap reconcile step failed');
      }
    }
    if (failed !== undefined) throw failed;
    return summary;
  }

  private async apply(action: TapAction, stored: ReadonlyMap<string, string>, summary: ReconcileSummary): Promise<void> {
    if (action.type === 'remove') {
      await this.remove(action.output, action.tap, stored);
      summary.removed.push(subjectOf(action));
      return;
    }
    const { tap } = action;
    const key = tapKey(tap);
    const flow = await this.deps.objects.getFlow(tap);
    if (flow === undefined) {
      this.deps.logger.warn({ tap: key }, 'flow tap wanted for a flow that does not exist; nothing is created for it');
      this.deps.counters.flowsMissing.inc({ kind: tap.kind });
      summary.flowsMissing.push(key);
      if (action.type !== 'create') await this.remove(action.output, tap, stored);
      return;
    }
    if (action.type === 'replace') {
      // Only the run whose delete succeeds makes the next one; a changed Output waits a round.
      if (!(await this.deleteInstance(action.output))) return;
      this.deps.logger.info({ tap: key, reason: action.reason }, 'flow tap output replaced');
      summary.replaced.push(key);
    }
    if (action.type !== 'keep') {
      if (!(await this.createInstance(tap))) return;
      if (action.type === 'create') summary.created.push(key);
    }
    const outcome = await setOutputRef(this.deps.objects, tap, outputName(tap), 'present', flow);
    if (outcome === 'changed' && action.type !== 'create') {
      this.deps.logger.warn({ tap: key }, 'flow tap output ref was removed from its flow by someone else; added again');
      this.deps.counters.refsRestored.inc({ kind: tap.kind });
      summary.refsRestored.push(key);
    }
  }

  /** Output, then its Secret (owned by it), then the credential the ingest checks. False when another run made the Output first. */
  private async createInstance(tap: TapRef): Promise<boolean> {
    const credential = newTapCredential();
    const name = outputName(tap);
    const secret = secretName(name, credential.generation);
    const labels = tapLabels(tap);
    const annotations = tapAnnotations(tap, credential.generation);
    const uid = await this.deps.objects.createOutput(tap, { name, labels, annotations }, tapOutputSpec(this.deps.ingestUrl, tap, secret));
    if (uid === undefined) {
      // Listed as absent a moment ago: another run made it meanwhile, or someone's unlabelled
      // object has its name. Either way it is not this run's to fill in.
      this.deps.logger.info({ tap: tapKey(tap), output: name }, 'flow tap output exists already; left to the run that made it');
      return false;
    }
    await this.deps.objects.createSecret(
      tap,
      { name: secret, labels, annotations },
      { name, uid },
      { [USERNAME_KEY]: TAP_USERNAME, [PASSWORD_KEY]: credential.password },
    );
    await this.deps.state.set(credentialKey(tap), JSON.stringify(storedCredential(credential)));
    return true;
  }

  /** The ref (Flow gone is fine), the Output, its Secret, and the credential if it is this Output's. */
  private async remove(output: ManagedOutput, tap: TapRef | undefined, stored: ReadonlyMap<string, string>): Promise<void> {
    if (tap !== undefined) await setOutputRef(this.deps.objects, tap, output.name, 'absent');
    if (!(await this.deleteInstance(output))) return;
    if (tap !== undefined && (output.generation === undefined || stored.get(tapKey(tap)) === output.generation)) {
      await this.deps.state.delete(credentialKey(tap));
    }
  }

  private async deleteInstance(output: ManagedOutput): Promise<boolean> {
    if (!(await this.deps.objects.deleteOutput(output))) return false;
    if (output.generation !== undefined) await this.deps.objects.deleteSecret(output.namespace, secretName(output.name, output.generation));
    return true;
  }

  private async storedGenerations(taps: readonly TapRef[]): Promise<Map<string, string>> {
    const generations = new Map<string, string>();
    for (const tap of taps) {
      const key = tapKey(tap);
      if (generations.has(key)) continue;
      const parsed = GenerationSchema.safeParse(parseJson(await this.deps.state.get(credentialKey(tap))));
      if (parsed.success) generations.set(key, parsed.data.generation);
    }
    return generations;
  }
}

/** The tap key an action is about, or `<namespace>/<name>` of an Output whose tap is unknown. */
function subjectOf(action: TapAction): string {
  if (action.tap !== undefined) return tapKey(action.tap);
  return action.type === 'remove' ? `${action.output.namespace}/${action.output.name}` : 'unknown';
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** An error's name and code for logs: never its message, which can quote an apiserver body. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown';
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${error.name} (${code})` : error.name;
}
