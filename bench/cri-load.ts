// Writes CRI log lines the way a container runtime appends them. Capacity runs append prebuilt
// chunks as fast as the disk takes them; latency runs append open-loop at a fixed rate, each line
// stamped with its intended write time so a late writer cannot hide queueing delay.
import type { CriLogWriter } from '@tailgate/cri-logs/testing';

import { epochMs, TIME_MARK } from './fleet-protocol';

/** About 180 bytes per CRI line, like performance.md's fixture. */
const PAD = 'x'.repeat(96);
const CRI_TS = '2026-01-01T00:00:00.000000000Z';

export const CHUNK_LINES = 500;

/** One chunk of `CHUNK_LINES` complete (`F`) stdout lines. */
export function buildChunk(pod: string): Buffer {
  const lines: string[] = [];
  for (let i = 0; i < CHUNK_LINES; i++) lines.push(`${CRI_TS} stdout F ${pod} seq=${String(i).padStart(4, '0')} level=info msg=${PAD}\n`);
  return Buffer.from(lines.join(''));
}

/** Appends `linesPerWriter` lines (rounded up to whole chunks) to every writer; returns lines per writer. */
export async function writeCapacityLoad(writers: readonly CriLogWriter[], linesPerWriter: number): Promise<number> {
  const chunks = writers.map((w) => buildChunk(w.target.pod));
  const rounds = Math.ceil(linesPerWriter / CHUNK_LINES);
  for (let round = 0; round < rounds; round++) {
    await Promise.all(writers.map((writer, i) => writer.writeRaw(chunks[i] as Buffer)));
  }
  return rounds * CHUNK_LINES;
}

/** Appends `lines` unstamped lines of about `lineBytes` each, in chunks of CHUNK_LINES (history for a `tail`). */
export async function writeFiller(writer: CriLogWriter, lines: number, lineBytes: number): Promise<void> {
  const line = `${CRI_TS} stdout F filler msg=${'y'.repeat(Math.max(0, lineBytes - 15))}\n`;
  for (let written = 0; written < lines; written += CHUNK_LINES) await writer.writeRaw(line.repeat(Math.min(CHUNK_LINES, lines - written)));
}

/** Appends to one writer at `ratePerSec` for `durationMs`, open loop; returns the lines written. */
export async function writeAtRate(writer: CriLogWriter, ratePerSec: number, durationMs: number, pad = PAD): Promise<number> {
  const start = epochMs();
  const interval = 1000 / ratePerSec;
  const total = linesAtRate(ratePerSec, durationMs);
  let written = 0;
  while (written < total) {
    const due = Math.min(total, Math.floor((epochMs() - start) / interval) + 1);
    if (due > written) {
      let text = '';
      for (let i = written; i < due; i++) {
        const intended = (start + i * interval).toFixed(3);
        text += `${CRI_TS} stdout F ${TIME_MARK}${intended}${TIME_MARK} level=info msg=${pad}\n`;
      }
      written = due;
      await writer.writeRaw(text);
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return written;
}

export function linesAtRate(ratePerSec: number, durationMs: number): number {
  return Math.floor((durationMs / 1000) * ratePerSec);
}
