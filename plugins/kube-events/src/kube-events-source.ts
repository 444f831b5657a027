// The `kube-events.events` source: Kubernetes Events (events.k8s.io/v1) of the selected
// namespaces, live and with a backlog, each as a record of the object it regards. Who may read
// them: see event-access-review.ts (admit) and docs/sources/kube-events.md.
import type { KubeApi, KubeTransport } from '@tailgate/kube';
import type {
  AuthorizeContext,
  Backlog,
  BacklogOptions,
  Decision,
  LogSource,
  SourceEvent,
  StreamContext,
  Subject,
} from '@tailgate/plugin-sdk';

import { reviewEventList } from './event-access-review';
import { readEventBacklog } from './event-backlog';
import { eventScope, type EventSelector, EventSelectorSchema, eventStreamKey } from './event-selector';
import { openEventStream } from './event-stream';
import type { KubeEventsConfig } from './kube-events-config';

export class KubeEventsSource implements LogSource<EventSelector> {
  readonly name = 'events';
  readonly description =
    'Kubernetes Events (events.k8s.io/v1) of namespaces, optionally of one object, type or reason; each a record of the object it regards.';
  readonly selector = EventSelectorSchema;
  readonly resumable = true;

  constructor(
    private readonly kube: Pick<KubeApi, 'subjectAccessReview'>,
    private readonly transport: Pick<KubeTransport, 'json' | 'watch'>,
    private readonly config: KubeEventsConfig,
  ) {}

  streamKey(selector: EventSelector): string {
    return eventStreamKey(selector);
  }

  scope(selector: EventSelector) {
    return eventScope(selector);
  }

  /** `list events` in every selected namespace, asked afresh at subscribe and at every re-check. */
  admit(selector: EventSelector, subject: Subject, ctx: AuthorizeContext): Promise<Decision> {
    return reviewEventList(this.kube, selector.namespaces, subject, ctx);
  }

  backlog(selector: EventSelector, options: BacklogOptions, ctx: StreamContext): Promise<Backlog> {
    return readEventBacklog(selector, options, this.transport, ctx.signal);
  }

  open(selector: EventSelector, ctx: StreamContext): AsyncIterable<SourceEvent> {
    return openEventStream(selector, this.transport, this.config, ctx.signal, ctx.logger);
  }
}
