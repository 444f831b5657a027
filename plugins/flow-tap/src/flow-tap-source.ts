// `flow-tap.flows`: the live output of a logging-operator Flow or ClusterFlow, as fluentd posts it
// to the ingest endpoint while someone listens. A subscriber must be allowed to `get` the Flow
// (admit), and every pod a record names is then judged by the authorizer chain against the
// apiserver's pod object (tap-inbox.ts). Records are stored nowhere: no backlog, no resume.
import type { KubeApi } from '@tailgate/kube';
import type { AccessScope, AuthorizeContext, Decision, LogSource, SourceEvent, StreamContext, Subject } from '@tailgate/plugin-sdk';
import type { z } from 'zod';

import { reviewFlowRead } from './flow-access-review';
import { type FlowSelector, flowSelectorSchema, tapOf } from './flow-selector';
import { runTapStream, type TapStreamDeps } from './tap-stream';
import { tapKey } from './tap-ref';

export const FLOWS_SOURCE_NAME = 'flows';

export interface FlowTapSourceDeps extends TapStreamDeps {
  readonly controlNamespace: string;
  /** Undefined on a host without the Kubernetes API: then nobody is admitted. */
  readonly kube: KubeApi | undefined;
}

export class FlowTapSource implements LogSource<FlowSelector> {
  readonly name = FLOWS_SOURCE_NAME;
  readonly description =
    "Live output of a logging-operator Flow ('flow/<namespace>/<name>') or ClusterFlow ('clusterflow/<name>'), tapped while someone listens.";
  readonly selector: z.ZodType<FlowSelector>;

  constructor(private readonly deps: FlowTapSourceDeps) {
    this.selector = flowSelectorSchema(deps.controlNamespace);
  }

  streamKey(selector: FlowSelector): string {
    return tapKey(tapOf(selector, this.deps.controlNamespace));
  }

  /** A Flow only routes pods of its namespace; a ClusterFlow may route any pod. */
  scope(selector: FlowSelector): readonly AccessScope[] {
    const tap = tapOf(selector, this.deps.controlNamespace);
    return tap.kind === 'flow' ? [{ namespace: tap.namespace }] : [{}];
  }

  admit(selector: FlowSelector, subject: Subject, ctx: AuthorizeContext): Promise<Decision> {
    return reviewFlowRead(this.deps.kube, tapOf(selector, this.deps.controlNamespace), subject, ctx);
  }

  open(selector: FlowSelector, ctx: StreamContext): AsyncIterable<SourceEvent> {
    return runTapStream(tapOf(selector, this.deps.controlNamespace), this.deps, ctx);
  }
}
