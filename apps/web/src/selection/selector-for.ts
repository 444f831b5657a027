// Maps the user's choices onto a source's selector, by the property names its JSON Schema
// declares (from `sourcesList()`): kube-pod-logs takes `namespaces`, `pods`, `workload`,
// `labelSelector`, `containers`; node-file takes one `namespace`, `pod`, `container`. A choice the
// source cannot express is reported, never silently dropped.
import type { WatchChoice } from './watch-choice';

export type ChoiceField = 'namespace' | 'workload' | 'pod' | 'labelSelector' | 'containers';

export interface SelectorMapping {
  readonly selector: Record<string, unknown>;
  /** Choices this source's selector has no way to say. */
  readonly unsupported: readonly ChoiceField[];
}

/** The property names of a JSON Schema object (top level), or none. */
export function schemaProperties(schema: Readonly<Record<string, unknown>>): ReadonlySet<string> {
  const properties = schema['properties'];
  return new Set(typeof properties === 'object' && properties !== null ? Object.keys(properties) : []);
}

/** Which choice fields a source's selector can express, for enabling the pickers. */
export function supportedFields(schema: Readonly<Record<string, unknown>>): ReadonlySet<ChoiceField> {
  const props = schemaProperties(schema);
  const fields = new Set<ChoiceField>();
  if (props.has('namespaces') || props.has('namespace')) fields.add('namespace');
  if (props.has('workload')) fields.add('workload');
  if (props.has('pods') || props.has('pod')) fields.add('pod');
  if (props.has('labelSelector')) fields.add('labelSelector');
  if (props.has('containers') || props.has('container')) fields.add('containers');
  return fields;
}

export function selectorFor(choice: WatchChoice, schema: Readonly<Record<string, unknown>>): SelectorMapping {
  const props = schemaProperties(schema);
  const selector: Record<string, unknown> = {};
  const unsupported: ChoiceField[] = [];
  const one = (value: string, many: string, single: string, field: ChoiceField): void => {
    if (value === '') return;
    if (props.has(many)) selector[many] = [value];
    else if (props.has(single)) selector[single] = value;
    else unsupported.push(field);
  };
  one(choice.namespace, 'namespaces', 'namespace', 'namespace');
  one(choice.pod, 'pods', 'pod', 'pod');
  if (choice.workload !== undefined) {
    if (props.has('workload')) selector['workload'] = { kind: choice.workload.kind, name: choice.workload.name };
    else unsupported.push('workload');
  }
  const labels = choice.labelSelector.trim();
  if (labels !== '') {
    if (props.has('labelSelector')) selector['labelSelector'] = labels;
    else unsupported.push('labelSelector');
  }
  if (choice.containers.length > 0) {
    if (props.has('containers')) selector['containers'] = [...choice.containers];
    else if (props.has('container') && choice.containers.length === 1) selector['container'] = choice.containers[0];
    else unsupported.push('containers');
  }
  return { selector, unsupported };
}
