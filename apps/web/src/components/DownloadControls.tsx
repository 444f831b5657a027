// Download what is loaded, or a `since` window read separately from the gateway, as text, CSV or
// JSON lines.
import type { TailgateClient } from '@tailgate/client';
import { useState } from 'react';

import { EXPORT_FORMATS, EXPORT_MIME, type ExportFormat, exportFileName, formatExport } from '../logs/export-format';
import { collectWindow } from '../state/collect-window';
import { downloadText } from '../state/download-file';
import type { LiveStream } from '../state/live-stream';

const FORMAT_LABELS: Readonly<Record<ExportFormat, string>> = { text: 'Text', csv: 'CSV', jsonl: 'JSON lines' };

export interface DownloadControlsProps {
  readonly client: TailgateClient;
  readonly stream: LiveStream;
  readonly source: string;
  readonly selector: unknown;
}

export function DownloadControls({ client, stream, source, selector }: DownloadControlsProps) {
  const [format, setFormat] = useState<ExportFormat>('text');
  const [sinceWindow, setSinceWindow] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const download = async () => {
    setError(undefined);
    const name = exportFileName(source || 'logs', format, new Date());
    if (sinceWindow.trim() === '') {
      downloadText(formatExport(stream.store.entries(), format), name, EXPORT_MIME[format]);
      return;
    }
    setBusy(true);
    try {
      const collected = await collectWindow(client, source, selector, sinceWindow.trim());
      downloadText(formatExport(collected.entries, format), name, EXPORT_MIME[format]);
    } catch (failure) {
      setError((failure as { code?: string }).code ?? 'internal');
    } finally {
      setBusy(false);
    }
  };

  return (
    <span className="download">
      <select
        aria-label="Download format"
        value={format}
        onChange={(event) => setFormat(EXPORT_FORMATS.find((f) => f === event.target.value) ?? 'text')}
        data-testid="download-format"
      >
        {EXPORT_FORMATS.map((f) => (
          <option key={f} value={f}>
            {FORMAT_LABELS[f]}
          </option>
        ))}
      </select>
      <input
        aria-label="Download a window since (empty: what is loaded)"
        placeholder="loaded / since 15m"
        value={sinceWindow}
        onChange={(event) => setSinceWindow(event.target.value)}
        data-testid="download-since"
        spellCheck={false}
      />
      <button type="button" onClick={() => void download()} disabled={busy || source === ''} data-testid="download-button">
        {busy ? 'Reading…' : 'Download'}
      </button>
      {error !== undefined && (
        <span role="alert" className="form-error" data-testid="download-error">
          Download failed: {error}
        </span>
      )}
    </span>
  );
}
