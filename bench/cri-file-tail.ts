// The baselines' file reader: follows CRI files from their current end, splits on newlines with
// Buffer.indexOf and parses entries with indexOf (performance.md §4: no readline, no regex), and
// hands batches of wire records to the pipeline. Polls at a fixed interval when caught up.
import { type FileHandle, open, stat } from 'node:fs/promises';

import type { WireRecord } from '@tailgate/contracts';
import type { CriLogWriter } from '@tailgate/cri-logs/testing';

const READ_BYTES = 256 * 1024;
const NEWLINE = 0x0a;
const SPACE = 0x20;

interface Followed {
  readonly handle: FileHandle;
  readonly target: { readonly ns: string; readonly pod: string; readonly container: string };
  offset: number;
  rest: Buffer;
}

export class CriFileTail {
  private stopped = false;
  private loop: Promise<void> | undefined;
  private readonly buffer = Buffer.allocUnsafe(READ_BYTES);

  private constructor(
    private readonly files: Followed[],
    private readonly onBatch: (records: WireRecord[]) => void,
    private readonly batchRecords: number,
    private readonly pollMs: number,
  ) {}

  static async follow(
    writers: readonly CriLogWriter[],
    onBatch: (records: WireRecord[]) => void,
    options: { batchRecords: number; pollMs: number },
  ): Promise<CriFileTail> {
    const files = await Promise.all(
      writers.map(async (writer) => {
        const { namespace: ns, pod, container } = writer.target;
        return {
          handle: await open(writer.path, 'r'),
          target: { ns, pod, container },
          offset: (await stat(writer.path)).size,
          rest: Buffer.alloc(0),
        };
      }),
    );
    const tail = new CriFileTail(files, onBatch, options.batchRecords, options.pollMs);
    tail.loop = tail.run();
    return tail;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    await Promise.all(this.files.map((f) => f.handle.close()));
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let busy = false;
      for (const file of this.files) busy = (await this.readOnce(file)) || busy;
      if (!busy) await new Promise((resolve) => setTimeout(resolve, this.pollMs));
    }
  }

  /** Reads one buffer's worth; true when there may be more. */
  private async readOnce(file: Followed): Promise<boolean> {
    const { bytesRead } = await file.handle.read(this.buffer, 0, READ_BYTES, file.offset);
    if (bytesRead === 0) return false;
    const startOffset = file.offset - file.rest.length;
    file.offset += bytesRead;
    const data =
      file.rest.length === 0 ? this.buffer.subarray(0, bytesRead) : Buffer.concat([file.rest, this.buffer.subarray(0, bytesRead)]);
    let batch: WireRecord[] = [];
    let start = 0;
    let end = data.indexOf(NEWLINE, start);
    while (end >= 0) {
      const record = parseCriEntry(data, start, end, file.target, startOffset + end + 1);
      if (record) batch.push(record);
      if (batch.length >= this.batchRecords) {
        this.onBatch(batch);
        batch = [];
      }
      start = end + 1;
      end = data.indexOf(NEWLINE, start);
    }
    if (batch.length > 0) this.onBatch(batch);
    file.rest = Buffer.from(data.subarray(start));
    return bytesRead === READ_BYTES;
  }
}

/** `<ts> <stream> <P|F> <line>`; partial entries are passed on as they are (the bench writes none). */
function parseCriEntry(data: Buffer, start: number, end: number, target: Followed['target'], cursor: number): WireRecord | undefined {
  const a = data.indexOf(SPACE, start);
  const b = a < 0 ? -1 : data.indexOf(SPACE, a + 1);
  const c = b < 0 ? -1 : data.indexOf(SPACE, b + 1);
  if (c < 0 || c >= end) return undefined;
  const stream = data[a + 4] === 0x65 ? 'stderr' : 'stdout';
  return { ts: data.toString('latin1', start, a), ...target, stream, line: data.toString('utf8', c + 1, end), cursor: String(cursor) };
}
