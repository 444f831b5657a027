// Public entry of @tailgate/plugin-kube-events.
import { kubeEventsPlugin } from './plugin';

export { eventCursor, EventObjectSchema, type EventObservation, observe } from './event-object';
export { EVENT_FORMATS, type EventFormat, jsonLine, textLine } from './event-line';
export { type EventSelector, EventSelectorSchema } from './event-selector';
export { KubeEventsConfigSchema, type KubeEventsConfig } from './kube-events-config';
export { KubeEventsSource } from './kube-events-source';
export { kubeEventsPlugin } from './plugin';
export default kubeEventsPlugin;
