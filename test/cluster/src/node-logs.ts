// A kubelet stand-in's node-level logs: a journal of systemd units and files under /var/log.
// Answers a validated NodeLogQuery the way the kubelet does on Linux: services found in the
// journal come from `journalctl --utc --output=short-precise …`; other services fall back to
// /var/log/<svc>, /var/log/<svc>.log, /var/log/<svc>/<svc>.log; a file query returns the file.
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { compileJournalPattern } from './journal-pattern';
import { hasOptions, type NodeLogQuery } from './node-log-query';

export interface JournalEntry {
  readonly unit: string;
  readonly time: Date;
  readonly message: string;
  /** 0 = current boot, -1 = the one before, … */
  readonly boot: number;
  readonly pid: number;
}

export interface JournalWriteOptions {
  /** Default: now. */
  readonly ts?: Date;
  /** Default: 0 (current boot). */
  readonly boot?: number;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export class NodeLogs {
  private readonly units = new Map<string, { pid: number }>();
  private readonly journal: JournalEntry[] = [];
  private readonly files = new Map<string, string>();

  constructor(private readonly hostname: string) {}

  /** Declares a systemd unit (`kubelet` is kubelet.service) and returns a writer for its journal. */
  service(name: string): { write(message: string, opts?: JournalWriteOptions): void } {
    const unit = name.replace(/\.service$/, '');
    const known = this.units.get(unit) ?? { pid: 1000 + this.units.size };
    this.units.set(unit, known);
    return {
      write: (message, opts = {}) => {
        this.journal.push({ unit, time: opts.ts ?? new Date(), message, boot: opts.boot ?? 0, pid: known.pid });
      },
    };
  }

  /** Sets the content of /var/log/<path> (path relative to /var/log). */
  file(path: string, content: string): void {
    this.files.set(posix.normalize(path).replace(/^\.\//, ''), content);
  }

  /** os.Root("/var/log").Stat(path): undefined if the file or directory exists, else Go's error text. */
  stat(path: string): string | undefined {
    const normalized = posix.normalize(path);
    if (path.startsWith('/') || normalized.startsWith('..')) return `statat ${path}: path escapes from parent`;
    if (this.files.has(normalized) || this.isDirectory(normalized)) return undefined;
    return `statat ${path}: no such file or directory`;
  }

  readFile(path: string): string | undefined {
    return this.files.get(posix.normalize(path).replace(/^\/+/, ''));
  }

  /** Names directly under /var/log/<dir> (directories end in '/'), or undefined if no such directory. */
  list(dir: string): string[] | undefined {
    const prefix = dir === '' || dir === '.' ? '' : `${posix.normalize(dir).replace(/\/+$/, '')}/`;
    const names = new Set<string>();
    for (const path of this.files.keys()) {
      if (!path.startsWith(prefix)) continue;
      const rest = path.slice(prefix.length).split('/');
      names.add(rest.length > 1 ? `${rest[0] ?? ''}/` : (rest[0] ?? ''));
    }
    return names.size > 0 || prefix === '' ? [...names].sort() : undefined;
  }

  private isDirectory(path: string): boolean {
    return [...this.files.keys()].some((file) => file.startsWith(`${path}/`));
  }

  /** The response body for a validated query (copyForBoot). */
  answer(q: NodeLogQuery): string {
    if (q.files.length === 1) return this.readFile(q.files[0] ?? '') ?? '';
    // checkForNativeLogger: is "<svc>.service" a substring of `journalctl --field _SYSTEMD_UNIT`?
    const native = q.services.filter((s) => [...this.units.keys()].some((u) => `${u}.service`.includes(`${s}.service`)));
    const fileLoggers = q.services.filter((s) => !native.includes(s));
    let out = native.length > 0 ? this.journalctl(q, native) : '';
    if (fileLoggers.length > 0 && hasOptions(q)) {
      return `${out}\noptions present and query resolved to log files for [${fileLoggers.join(' ')}]\ntry without specifying options\n`;
    }
    for (const service of fileLoggers) {
      const candidates = [service, `${service}.log`, `${service}/${service}.log`];
      const found = candidates.map((c) => this.files.get(c)).find((content) => content !== undefined);
      out += found ?? `\nlog not found for ${service}\n`;
    }
    return out;
  }

  private journalctl(q: NodeLogQuery, units: readonly string[]): string {
    const wanted = new Set(units.flatMap((u) => [u, `${u}.service`]));
    // journalctl --since/--until get "2006-1-2 15:4:5": whole seconds.
    const since = q.sinceTime === undefined ? undefined : Math.floor(q.sinceTime.ms / 1000) * 1000;
    const until = q.untilTime === undefined ? undefined : Math.floor(q.untilTime.ms / 1000) * 1000 + 999;
    const pattern = q.pattern === undefined ? undefined : compileJournalPattern(q.pattern);
    const grep = pattern?.ok === true ? pattern.regexp : undefined;
    // Without --boot, journalctl reads every boot in the journal.
    let entries = this.journal
      .filter((e) => wanted.has(e.unit) && (q.boot === undefined || e.boot === q.boot))
      .filter((e) => (since === undefined || e.time.getTime() >= since) && (until === undefined || e.time.getTime() <= until))
      .filter((e) => grep === undefined || grep.test(e.message))
      .sort((a, b) => a.time.getTime() - b.time.getTime());
    if (q.tailLines !== undefined) entries = q.tailLines === 0 ? [] : entries.slice(-q.tailLines);
    if (entries.length === 0) return '-- No entries --\n';
    let out = '';
    entries.forEach((e, i) => {
      // journalctl marks where one boot's entries end and the next boot's begin.
      if (i > 0 && entries[i - 1]?.boot !== e.boot) out += `-- Boot ${this.bootId(e.boot)} --\n`;
      out += `${shortPrecise(e.time)} ${this.hostname} ${e.unit}[${e.pid}]: ${e.message}\n`;
    });
    return out;
  }

  /** A stable 128-bit boot ID (32 hex digits, as journalctl prints it) for a boot offset of this node. */
  bootId(boot: number): string {
    return createHash('sha256').update(`${this.hostname}/${boot}`).digest('hex').slice(0, 32);
  }
}

/** journalctl --utc --output=short-precise: "Jan 02 15:04:05.123456". */
function shortPrecise(time: Date): string {
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  const month = MONTHS[time.getUTCMonth()] ?? '';
  const clock = `${pad(time.getUTCHours())}:${pad(time.getUTCMinutes())}:${pad(time.getUTCSeconds())}`;
  return `${month} ${pad(time.getUTCDate())} ${clock}.${pad(time.getUTCMilliseconds(), 3)}000`;
}
