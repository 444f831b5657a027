// The agent's resume positions (container directory → TailPosition), kept in
// `<stateDir>/positions.json`. Written atomically: the new content goes to a temporary file that
// is flushed to disk and renamed over the old one, so a crash leaves the old file or the new one,
// never a mix. An unreadable or malformed file is reported and replaced, never fatal: the agent
// then starts containers at their current end.
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

import { type TailPosition, TailPositionSchema } from '@tailgate/cri-logs';
import { errorCode } from '@tailgate/process';
import { z } from 'zod';

import { AgentError } from './agent-error';

export const POSITIONS_FILE = 'positions.json';

const PositionsFileSchema = z.strictObject({
  version: z.literal(1),
  positions: z.record(z.string().min(1), TailPositionSchema),
  /** Per directory, the demand runs it was tailed for: a restart resumes it for those runs only. */
  runs: z.record(z.string().min(1), z.array(z.string().regex(/^[0-9a-f]{32}$/)).max(10_000)).optional(),
});

/** What opening found: `unreadable` when a file was there but could not be used. */
export interface OpenedPositions {
  readonly store: PositionStore;
  readonly problem?: { readonly code: string };
}

export class PositionStore {
  private changed = false;
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    readonly file: string,
    private readonly positions: Map<string, TailPosition>,
    private readonly runs: Map<string, readonly string[]>,
  ) {}

  /** Loads the saved positions and proves the directory writable by saving them back. */
  static async open(stateDir: string): Promise<OpenedPositions> {
    const file = join(stateDir, POSITIONS_FILE);
    const loaded = await load(file);
    const store = new PositionStore(file, loaded.positions, loaded.runs);
    try {
      await mkdir(stateDir, { recursive: true });
      store.changed = true;
      await store.save();
    } catch (error) {
      throw new AgentError('state_dir_unwritable', `state directory ${stateDir} is not writable (${errorCode(error)})`);
    }
    return loaded.problem ? { store, problem: loaded.problem } : { store };
  }

  get size(): number {
    return this.positions.size;
  }

  get(path: string): TailPosition | undefined {
    return this.positions.get(path);
  }

  set(path: string, position: TailPosition): void {
    // Compared by value: a tailer builds a new position object whenever asked, and an idle agent
    // asked every second rewrote and fsynced the file every second (and made garbage doing it).
    const known = this.positions.get(path);
    if (known !== undefined && samePosition(known, position)) return;
    this.positions.set(path, position);
    this.changed = true;
  }

  delete(path: string): void {
    this.changed = this.positions.delete(path) || this.changed;
    this.runs.delete(path);
  }

  /** The demand runs the directory was last tailed for. */
  runsOf(path: string): readonly string[] | undefined {
    return this.runs.get(path);
  }

  setRuns(path: string, runs: readonly string[]): void {
    const known = this.runs.get(path);
    if (known?.length === runs.length && known.every((run, i) => run === runs[i])) return;
    this.runs.set(path, runs);
    this.changed = true;
  }

  /** Forgets the positions of directories not in `paths` (their pods are gone). */
  retainOnly(paths: ReadonlySet<string>): void {
    for (const path of this.positions.keys()) if (!paths.has(path)) this.delete(path);
  }

  /** Writes the file if anything changed since the last write; writes never overlap. */
  save(): Promise<void> {
    const write = this.writing.catch(() => undefined).then(() => this.writeIfChanged());
    this.writing = write;
    return write;
  }

  private async writeIfChanged(): Promise<void> {
    if (!this.changed) return;
    this.changed = false;
    const runs = this.runs.size === 0 ? {} : { runs: Object.fromEntries(this.runs) };
    const content = JSON.stringify({ version: 1, positions: Object.fromEntries(this.positions), ...runs });
    const temporary = `${this.file}.${process.pid}.tmp`;
    try {
      const handle = await open(temporary, 'w', 0o600);
      try {
        await handle.writeFile(content);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, this.file);
    } catch (error) {
      this.changed = true;
      await rm(temporary, { force: true }).catch(() => undefined);
      throw error;
    }
  }
}

function samePosition(a: TailPosition, b: TailPosition): boolean {
  return (
    a.offset === b.offset &&
    a.ino === b.ino &&
    a.cursor === b.cursor &&
    a.path === b.path &&
    a.fingerprint === b.fingerprint &&
    a.clock.epochNanos === b.clock.epochNanos &&
    a.clock.sequence === b.clock.sequence
  );
}

interface Loaded {
  readonly positions: Map<string, TailPosition>;
  readonly runs: Map<string, readonly string[]>;
  readonly problem?: { code: string };
}

async function load(file: string): Promise<Loaded> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return { positions: new Map(), runs: new Map() };
    return { positions: new Map(), runs: new Map(), problem: { code: errorCode(error) } };
  }
  try {
    const parsed = PositionsFileSchema.safeParse(JSON.parse(text));
    if (parsed.success) {
      return { positions: new Map(Object.entries(parsed.data.positions)), runs: new Map(Object.entries(parsed.data.runs ?? {})) };
    }
  } catch {
    // Not JSON: reported below like any other malformed content.
  }
  return { positions: new Map(), runs: new Map(), problem: { code: 'malformed' } };
}
