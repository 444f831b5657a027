// The reconcile job's only door to the apiserver: the few calls it makes on logging-operator
// objects and Secrets, each parsed at this edge into the small shapes the job reasons about.
// FLOW_TAP_JOB_RBAC grants exactly these calls. Secrets are created and deleted, never read: the
// worker cannot see any Secret's content, not even its own taps'.
import type { JsonPatchOperation, KubeTransport } from '@tailgate/kube';
import { isPluginError } from '@tailgate/plugin-sdk';
import { z } from 'zod';

import type { TapKind, TapRef } from '../tap-ref';
import { GENERATION_ANNOTATION, MANAGED_SELECTOR, TAP_KEY_ANNOTATION } from './tap-object-names';

export const LOGGING_API = '/apis/logging.banzaicloud.io/v1beta1';

/** A tap Output (for a Flow) or ClusterOutput (for a ClusterFlow) that carries our labels. */
export interface ManagedOutput {
  /** The kind of flow it taps: `flow` for an Output, `clusterflow` for a ClusterOutput. */
  readonly kind: TapKind;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly resourceVersion: string;
  /** From the annotations; undefined when someone removed them. */
  readonly tapKey: string | undefined;
  readonly generation: string | undefined;
  readonly spec: unknown;
}

/** What the job needs of a Flow or ClusterFlow: its output refs and the version they were read at. */
export interface FlowRefs {
  readonly resourceVersion: string;
  readonly hasSpec: boolean;
  /** `spec.localOutputRefs` (Flow) or `spec.globalOutputRefs` (ClusterFlow); undefined when absent. */
  readonly refs: readonly string[] | undefined;
}

export interface NewObject {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

const MetadataSchema = z.object({
  name: z.string(),
  namespace: z.string(),
  uid: z.string(),
  resourceVersion: z.string(),
  annotations: z.record(z.string(), z.string()).optional(),
});
const OutputListSchema = z.object({ items: z.array(z.object({ metadata: MetadataSchema, spec: z.unknown() })) });
const CreatedSchema = z.object({ metadata: z.object({ uid: z.string() }) });
const FlowSchema = z.object({
  metadata: z.object({ resourceVersion: z.string() }),
  spec: z.record(z.string(), z.unknown()).nullish(),
});
const RefsSchema = z.array(z.string()).nullish();

/** The HTTP status behind a kube error (libs/kube puts it in `details`). */
export function kubeStatus(error: unknown): number | undefined {
  const status = isPluginError(error) ? error.details?.status : undefined;
  return typeof status === 'number' ? status : undefined;
}

export function outputResource(kind: TapKind): 'outputs' | 'clusteroutputs' {
  return kind === 'flow' ? 'outputs' : 'clusteroutputs';
}

export function flowResource(kind: TapKind): 'flows' | 'clusterflows' {
  return kind === 'flow' ? 'flows' : 'clusterflows';
}

export function refsField(kind: TapKind): 'localOutputRefs' | 'globalOutputRefs' {
  return kind === 'flow' ? 'localOutputRefs' : 'globalOutputRefs';
}

export class LoggingObjects {
  constructor(
    private readonly kube: Pick<KubeTransport, 'json' | 'patch'>,
    private readonly controlNamespace: string,
    private readonly signal?: AbortSignal,
  ) {}

  /** Our Outputs in every namespace and our ClusterOutputs in the control namespace. */
  async listManagedOutputs(): Promise<ManagedOutput[]> {
    const query = `?labelSelector=${encodeURIComponent(MANAGED_SELECTOR)}`;
    const [outputs, clusterOutputs] = await Promise.all([
      this.kube.json('GET', `${LOGGING_API}/outputs${query}`, OutputListSchema, undefined, this.signal),
      this.kube.json(
        'GET',
        `${LOGGING_API}/namespaces/${this.controlNamespace}/clusteroutputs${query}`,
        OutputListSchema,
        undefined,
        this.signal,
      ),
    ]);
    const managed = (kind: TapKind, item: z.infer<typeof OutputListSchema>['items'][number]): ManagedOutput => ({
      kind,
      namespace: item.metadata.namespace,
      name: item.metadata.name,
      uid: item.metadata.uid,
      resourceVersion: item.metadata.resourceVersion,
      tapKey: item.metadata.annotations?.[TAP_KEY_ANNOTATION],
      generation: item.metadata.annotations?.[GENERATION_ANNOTATION],
      spec: item.spec,
    });
    return [...outputs.items.map((item) => managed('flow', item)), ...clusterOutputs.items.map((item) => managed('clusterflow', item))];
  }

  /** The tap's Flow or ClusterFlow; undefined when it does not exist. */
  async getFlow(tap: TapRef): Promise<FlowRefs | undefined> {
    try {
      const flow = await this.kube.json('GET', this.flowPath(tap), FlowSchema, undefined, this.signal);
      const refs = RefsSchema.parse(flow.spec?.[refsField(tap.kind)]);
      return { resourceVersion: flow.metadata.resourceVersion, hasSpec: flow.spec != null, refs: refs ?? undefined };
    } catch (error) {
      if (kubeStatus(error) === 404) return undefined;
      throw error;
    }
  }

  async patchFlow(tap: TapRef, operations: readonly JsonPatchOperation[]): Promise<void> {
    await this.kube.patch(this.flowPath(tap), operations, z.unknown(), this.signal);
  }

  /** Creates the tap's Output (ClusterOutput); its uid, or undefined when one of that name exists. */
  async createOutput(tap: TapRef, meta: NewObject, spec: unknown): Promise<string | undefined> {
    const kind = tap.kind === 'flow' ? 'Output' : 'ClusterOutput';
    const body = { apiVersion: 'logging.banzaicloud.io/v1beta1', kind, metadata: meta, spec };
    try {
      return (await this.kube.json('POST', this.outputsPath(tap), CreatedSchema, body, this.signal)).metadata.uid;
    } catch (error) {
      if (kubeStatus(error) === 409) return undefined;
      throw error;
    }
  }

  /**
   * Deletes exactly the Output that was listed (uid and resourceVersion as preconditions), so two
   * runs never delete each other's fresh one. False when it is gone or has changed since.
   */
  async deleteOutput(output: ManagedOutput): Promise<boolean> {
    const path = `${LOGGING_API}/namespaces/${output.namespace}/${outputResource(output.kind)}/${output.name}`;
    const options = {
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      preconditions: { uid: output.uid, resourceVersion: output.resourceVersion },
    };
    try {
      await this.kube.json('DELETE', path, z.unknown(), options, this.signal);
      return true;
    } catch (error) {
      const status = kubeStatus(error);
      if (status === 404 || status === 409) return false;
      throw error;
    }
  }

  /** Creates the tap's Secret, owned by its Output (so the garbage collector removes a leftover). */
  async createSecret(
    tap: TapRef,
    meta: NewObject,
    owner: { readonly name: string; readonly uid: string },
    stringData: Readonly<Record<string, string>>,
  ): Promise<void> {
    const ownerReference = {
      apiVersion: 'logging.banzaicloud.io/v1beta1',
      kind: tap.kind === 'flow' ? 'Output' : 'ClusterOutput',
      name: owner.name,
      uid: owner.uid,
    };
    const body = { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { ...meta, ownerReferences: [ownerReference] }, stringData };
    // The answer holds the password: parse nothing of it.
    await this.kube.json('POST', `/api/v1/namespaces/${tap.namespace}/secrets`, z.unknown(), body, this.signal);
  }

  /** Deletes a Secret the job made; one already gone is fine. */
  async deleteSecret(namespace: string, name: string): Promise<void> {
    try {
      await this.kube.json('DELETE', `/api/v1/namespaces/${namespace}/secrets/${name}`, z.unknown(), undefined, this.signal);
    } catch (error) {
      if (kubeStatus(error) !== 404) throw error;
    }
  }

  private flowPath(tap: TapRef): string {
    return `${LOGGING_API}/namespaces/${tap.namespace}/${flowResource(tap.kind)}/${tap.name}`;
  }

  private outputsPath(tap: TapRef): string {
    return `${LOGGING_API}/namespaces/${tap.namespace}/${outputResource(tap.kind)}`;
  }
}
