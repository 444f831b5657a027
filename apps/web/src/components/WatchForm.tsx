// What to watch. With the gateway's scope for the source, the namespace, workload and pod
// pickers offer only what the signed-in user may read; without it (an older gateway, another
// origin) they are text fields and the server alone decides. Fields the source's selector cannot
// express are disabled.
import type { SourceDescription } from '@tailgate/contracts';
import { type FormEvent, useId, useMemo } from 'react';

import { type ScopeResult, workloadsOf } from '../api/source-scope';
import { type ChoiceField, supportedFields } from '../selection/selector-for';
import { isWorkloadKind, type WatchChoice } from '../selection/watch-choice';

export interface WatchFormProps {
  readonly sources: readonly SourceDescription[] | undefined;
  readonly sourcesError: string | undefined;
  readonly choice: WatchChoice;
  readonly scope: ScopeResult | undefined;
  readonly unsupported: readonly ChoiceField[];
  readonly running: boolean;
  readonly onChange: (choice: WatchChoice) => void;
  readonly onStart: () => void;
  readonly onStop: () => void;
}

const splitList = (text: string): string[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

export function WatchForm({ sources, sourcesError, choice, scope, unsupported, running, onChange, onStart, onStop }: WatchFormProps) {
  const id = useId();
  const source = sources?.find((s) => s.id === choice.source);
  const supported = useMemo(() => (source ? supportedFields(source.selector) : new Set<ChoiceField>()), [source]);
  const known = scope?.ok === true ? scope.scope : undefined;
  const namespace = known?.namespaces.find((ns) => ns.name === choice.namespace);
  const workloads = workloadsOf(namespace);
  const pods = (namespace?.pods ?? []).filter(
    (pod) => choice.workload === undefined || (pod.workload?.kind === choice.workload.kind && pod.workload.name === choice.workload.name),
  );
  const containers = [...new Set(pods.flatMap((pod) => pod.containers))].sort();
  const set = (patch: Partial<WatchChoice>) => onChange({ ...choice, ...patch });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onStart();
  };

  return (
    <form className="watch-form" onSubmit={submit} aria-label="What to watch" data-testid="watch-form">
      <label>
        Source
        <select
          value={choice.source}
          onChange={(event) => set({ source: event.target.value })}
          data-testid="source-picker"
          disabled={sources === undefined}
        >
          {sources === undefined && <option value="">{sourcesError ? `Sources unavailable (${sourcesError})` : 'Loading…'}</option>}
          {sources?.map((s) => (
            <option key={s.id} value={s.id} title={s.description}>
              {s.id}
            </option>
          ))}
        </select>
      </label>
      <label>
        Namespace
        {known ? (
          <select
            value={choice.namespace}
            onChange={(event) => set({ namespace: event.target.value, pod: '', workload: undefined })}
            disabled={!supported.has('namespace')}
            data-testid="namespace-picker"
          >
            <option value="">All I may read</option>
            {known.namespaces.map((ns) => (
              <option key={ns.name} value={ns.name}>
                {ns.name}
              </option>
            ))}
          </select>
        ) : (
          <input
            value={choice.namespace}
            onChange={(event) => set({ namespace: event.target.value.trim() })}
            placeholder="all"
            disabled={!supported.has('namespace')}
            data-testid="namespace-picker"
            spellCheck={false}
          />
        )}
      </label>
      {supported.has('workload') && (
        <label>
          Workload
          <select
            value={choice.workload ? `${choice.workload.kind}/${choice.workload.name}` : ''}
            onChange={(event) => {
              const [kind = '', ...name] = event.target.value.split('/');
              set({ workload: isWorkloadKind(kind) && name.length > 0 ? { kind, name: name.join('/') } : undefined, pod: '' });
            }}
            disabled={choice.namespace === ''}
            data-testid="workload-picker"
          >
            <option value="">Any</option>
            {workloads.map((w) => (
              <option key={`${w.kind}/${w.name}`} value={`${w.kind}/${w.name}`}>
                {w.kind} {w.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        Pod
        {known && pods.length > 0 ? (
          <select
            value={choice.pod}
            onChange={(event) => set({ pod: event.target.value })}
            disabled={!supported.has('pod')}
            data-testid="pod-picker"
          >
            <option value="">Any</option>
            {pods.map((pod) => (
              <option key={pod.name} value={pod.name}>
                {pod.name}
              </option>
            ))}
          </select>
        ) : (
          <input
            value={choice.pod}
            onChange={(event) => set({ pod: event.target.value.trim() })}
            placeholder="any"
            disabled={!supported.has('pod')}
            data-testid="pod-picker"
            spellCheck={false}
          />
        )}
      </label>
      <label>
        Labels
        <input
          value={choice.labelSelector}
          onChange={(event) => set({ labelSelector: event.target.value })}
          placeholder="app=web,tier!=db"
          disabled={!supported.has('labelSelector')}
          data-testid="label-selector"
          spellCheck={false}
        />
      </label>
      <label>
        Containers
        <input
          value={choice.containers.join(', ')}
          onChange={(event) => set({ containers: splitList(event.target.value) })}
          placeholder="all"
          list={`${id}-containers`}
          disabled={!supported.has('containers')}
          data-testid="container-filter"
          spellCheck={false}
        />
        <datalist id={`${id}-containers`}>
          {containers.map((c) => (
            <option key={c} value={c} />
          ))}
        </datalist>
      </label>
      <label>
        Tail
        <input
          type="number"
          min={0}
          max={10000}
          value={choice.tail ?? ''}
          onChange={(event) => {
            const value = event.target.value;
            set({ tail: value === '' ? undefined : Math.min(10_000, Math.max(0, Math.floor(Number(value)))) });
          }}
          placeholder="default"
          disabled={source !== undefined && !source.supports.tail}
          data-testid="tail-input"
        />
      </label>
      <label>
        Since
        <input
          value={choice.since}
          onChange={(event) => set({ since: event.target.value.trim() })}
          placeholder="5m or 2026-01-01T12:00:00Z"
          disabled={source !== undefined && !source.supports.since}
          data-testid="since-input"
          spellCheck={false}
        />
      </label>
      <div className="watch-actions">
        <button type="submit" disabled={source === undefined} data-testid="start-stream">
          {running ? 'Restart' : 'Watch'}
        </button>
        <button type="button" onClick={onStop} disabled={!running} data-testid="stop-stream">
          Stop
        </button>
      </div>
      {scope !== undefined && !scope.ok && (
        <p className="hint" data-testid="scope-unavailable">
          The list of what you may read is unavailable here; type names, the gateway checks them.
        </p>
      )}
      {known?.truncated === true && (
        <p className="hint" data-testid="scope-truncated">
          Only part of what you may read is listed; type a pod name to watch one not listed.
        </p>
      )}
      {unsupported.length > 0 && (
        <p className="form-error" role="status">
          This source cannot select by {unsupported.join(', ')}.
        </p>
      )}
    </form>
  );
}
