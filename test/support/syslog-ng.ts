// A real syslog-ng 3.38 (Debian syslog-ng-core + syslog-ng-mod-http) that tails a file of JSON
// records and ships each line through one destination: in the foreground, with its own persist,
// pid and control files in `dir`, killed by the kernel if the test process dies (setpriv
// --pdeathsig), stopped by PID. Used by the ingest reader's test and the flow tap's end-to-end test.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, appendFileSync, constants, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const SYSLOG_NG = '/usr/sbin/syslog-ng';
const SETPRIV = '/usr/bin/setpriv';

export class SyslogNg {
  private readonly log: string[] = [];
  private readonly exit: Promise<never>;

  private constructor(
    private readonly child: ChildProcess,
    readonly inputFile: string,
  ) {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    this.exit = exited.then((code) => {
      throw new Error(`syslog-ng exited (code ${String(code)}):\n${this.log.join('\n')}`);
    });
    // Only the waits race against it; an unobserved rejection must not fail the run.
    this.exit.catch(() => undefined);
    createInterface({ input: child.stderr! }).on('line', (line) => this.log.push(line));
  }

  /** Throws, naming the setup step, when syslog-ng is not installed. */
  static assertInstalled(): void {
    try {
      accessSync(SYSLOG_NG, constants.X_OK);
    } catch {
      throw new Error(`${SYSLOG_NG} is missing: run scripts/setup.sh (apt-get install syslog-ng-core syslog-ng-mod-http)`);
    }
  }

  /** Starts syslog-ng in `dir` tailing `lines` (and whatever is appended) into `destination` (a destination body). */
  static start(dir: string, destination: string, lines: readonly string[]): SyslogNg {
    const inputFile = join(dir, 'input.log');
    writeFileSync(inputFile, lines.map((line) => `${line}\n`).join(''));
    const config = join(dir, 'syslog-ng.conf');
    writeFileSync(
      config,
      [
        '@version: 3.38',
        'options { stats-freq(0); };',
        `source s_pods { file("${inputFile}" follow-freq(0.1) flags(no-parse)); };`,
        `destination d_tap { ${destination} };`,
        'log { source(s_pods); destination(d_tap); };',
        '',
      ].join('\n'),
    );
    const args = ['--pdeathsig', 'KILL', '--', SYSLOG_NG, '-F', '-e', '-f', config];
    args.push(`--persist-file=${join(dir, 'syslog-ng.persist')}`, `--pidfile=${join(dir, 'syslog-ng.pid')}`);
    args.push(`--control=${join(dir, 'syslog-ng.ctl')}`, '--no-caps');
    return new SyslogNg(spawn(SETPRIV, args, { stdio: ['ignore', 'ignore', 'pipe'] }), inputFile);
  }

  append(line: string): void {
    appendFileSync(this.inputFile, `${line}\n`);
  }

  /** Rejects when syslog-ng exits on its own; race waits against it. */
  died(): Promise<never> {
    return this.exit;
  }

  /** What syslog-ng wrote to stderr, for failure messages. */
  output(): string {
    return this.log.join('\n');
  }

  /** SIGTERM by PID, SIGKILL if it lingers; resolves once it is gone. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    process.kill(this.child.pid!, 'SIGTERM');
    const escalate = setTimeout(() => process.kill(this.child.pid!, 'SIGKILL'), 5_000);
    await gone;
    clearTimeout(escalate);
  }
}
