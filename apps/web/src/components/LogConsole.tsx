// The signed-in view: what to watch (source, namespace, workload, pod, labels, containers,
// tail/since), the live stream's toolbar and counters, and the virtualised lines. Its settings
// live in the URL fragment, so the address bar is always a link to this view.
import type { TailgateClient } from '@tailgate/client';
import type { SourceDescription } from '@tailgate/contracts';
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';

import { fetchSourceScope, type ScopeResult } from '../api/source-scope';
import { decodeViewLink, type DisplaySettings, encodeViewLink } from '../logs/deep-link';
import { compileFilter, type FilterSettings } from '../logs/line-filter';
import { selectorFor } from '../selection/selector-for';
import type { WatchChoice } from '../selection/watch-choice';
import { LiveStream } from '../state/live-stream';
import { useKeyboardShortcuts } from '../state/use-keyboard-shortcuts';
import { LogToolbar } from './LogToolbar';
import { LogView } from './LogView';
import { StreamStatus } from './StreamStatus';
import { WatchForm } from './WatchForm';

export interface LogConsoleProps {
  readonly client: TailgateClient;
  readonly base: string;
  readonly token: string;
  readonly onSessionLost: () => void;
}

export function LogConsole({ client, base, token, onSessionLost }: LogConsoleProps) {
  const initial = useMemo(() => decodeViewLink(location.hash), []);
  const [choice, setChoice] = useState<WatchChoice>(initial.choice);
  const [filters, setFilters] = useState<FilterSettings>(initial.filters);
  const [display, setDisplay] = useState<DisplaySettings>(initial.display);
  const [sources, setSources] = useState<readonly SourceDescription[]>();
  const [sourcesError, setSourcesError] = useState<string>();
  const [scope, setScope] = useState<ScopeResult>();
  const [following, setFollowing] = useState(true);
  const [startError, setStartError] = useState<string>();
  const [stream] = useState(() => new LiveStream());
  const snapshot = useSyncExternalStore(stream.subscribeToChanges, stream.getSnapshot);
  const searchRef = useRef<HTMLInputElement>(null);
  const compiled = useMemo(() => compileFilter(filters), [filters]);
  const autoStarted = useRef(false);

  stream.onSessionLost = onSessionLost;

  useEffect(() => {
    client.sourcesList().then(
      (list) => {
        setSources(list);
        setChoice((current) => (current.source === '' && list[0] ? { ...current, source: list[0].id } : current));
      },
      (error: { code?: string }) => setSourcesError(error.code ?? 'internal'),
    );
  }, [client]);

  useEffect(() => {
    if (choice.source === '') return;
    const abort = new AbortController();
    setScope(undefined);
    void fetchSourceScope(base, token, choice.source, abort.signal).then((result) => {
      if (!abort.signal.aborted) setScope(result);
    });
    return () => abort.abort();
  }, [base, token, choice.source]);

  useEffect(() => stream.setFilter(compiled), [stream, compiled]);
  useEffect(() => stream.setFollowing(following), [stream, following]);
  useEffect(() => () => void stream.stop(), [stream]);

  useEffect(() => {
    const fragment = encodeViewLink({ choice, filters, display });
    history.replaceState(history.state, '', `${location.pathname}${location.search}${fragment === '' ? '' : `#${fragment}`}`);
  }, [choice, filters, display]);

  const source = sources?.find((s) => s.id === choice.source);
  const mapping = useMemo(() => (source ? selectorFor(choice, source.selector) : undefined), [source, choice]);

  const start = useCallback(() => {
    if (!source || !mapping) return;
    setStartError(undefined);
    if (mapping.unsupported.length > 0) {
      setStartError(`${source.id} cannot select by ${mapping.unsupported.join(', ')}`);
      return;
    }
    stream.clear();
    setFollowing(true);
    void stream.start(client, {
      source: source.id,
      selector: mapping.selector,
      ...(choice.tail !== undefined && source.supports.tail && { tail: choice.tail }),
      ...(choice.since !== '' && source.supports.since && { since: choice.since }),
      order: 'time',
    });
  }, [client, stream, source, mapping, choice.tail, choice.since]);

  useEffect(() => {
    // A link that names a source opens its live view straight away.
    if (autoStarted.current || !source || initial.choice.source !== source.id) return;
    autoStarted.current = true;
    start();
  }, [source, initial.choice.source, start]);

  useKeyboardShortcuts({
    focusSearch: () => searchRef.current?.focus(),
    toggleFollow: () => setFollowing((f) => !f),
    jumpToNewest: () => setFollowing(true),
    toggleWrap: () => setDisplay((d) => ({ ...d, wrap: !d.wrap })),
  });

  return (
    <main className="console">
      <WatchForm
        sources={sources}
        sourcesError={sourcesError}
        choice={choice}
        scope={scope}
        unsupported={mapping?.unsupported ?? []}
        running={snapshot.phase === 'live' || snapshot.phase === 'starting' || snapshot.phase === 'reconnecting'}
        onChange={setChoice}
        onStart={start}
        onStop={() => void stream.stop()}
      />
      {startError !== undefined && (
        <p className="form-error" role="alert" data-testid="start-error">
          {startError}
        </p>
      )}
      <LogToolbar
        filters={filters}
        filterErrors={compiled.errors}
        display={display}
        following={following}
        searchRef={searchRef}
        onFilters={setFilters}
        onDisplay={setDisplay}
        onFollowing={setFollowing}
        onClear={() => stream.clear()}
        client={client}
        stream={stream}
        source={choice.source}
        selector={mapping?.selector}
      />
      <StreamStatus snapshot={snapshot} following={following} onJump={() => setFollowing(true)} />
      <LogView
        stream={stream}
        version={snapshot.version}
        search={compiled.search}
        display={display}
        following={following}
        onFollowing={setFollowing}
      />
    </main>
  );
}
