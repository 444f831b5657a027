// --stdin: lines from standard input through the same filters, highlighting, timestamps and
// template as records from a server (pod, container and namespace empty, as stern's). Reads a
// chunk, writes the rendered lines of that chunk at once, and reads on only when stdout drained.
import type { Readable } from 'node:stream';

import type { LogRenderer, RenderableRecord } from '../output/log-renderer';
import type { OutputSink } from './output-sink';

function stdinRecord(line: string): RenderableRecord {
  return { ts: '', ns: '', pod: '', container: '', stream: '', line };
}

export async function runStdin(input: Readable, renderer: LogRenderer, sink: OutputSink): Promise<void> {
  input.setEncoding('utf8');
  let pending = '';
  for await (const chunk of input as AsyncIterable<string>) {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    await sink.write(renderer.renderBatch(lines.map(stdinRecord)));
    if (sink.closed) {
      input.destroy();
      return;
    }
  }
  if (pending !== '') await sink.write(renderer.render(stdinRecord(pending)));
}
