// Renders a bench outcome as plain-text tables for the terminal (and for docs/performance.md).
import type { CapacityResult } from './interleaved-runs';
import type { LatencySpread, Spread } from './percentiles';
import type { AgentResult } from './scenario-agent';
import { BASELINE_OF, type BenchOutcome, type GateCheck, ratioToBaseline, type TargetCheck } from './targets';

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const k = (v: number): string => (Number.isFinite(v) ? (v >= 10_000 ? `${Math.round(v / 1000)}k` : `${(v / 1000).toFixed(1)}k`) : '—');
const ms = (v: number): string => (Number.isFinite(v) ? v.toFixed(1) : '—');
const range = (s: Spread, f: (v: number) => string): string => `${f(s.median)} [${f(s.min)}–${f(s.max)}]`;

export function renderOutcome(outcome: BenchOutcome, targets: readonly TargetCheck[], gates: readonly GateCheck[]): string {
  const parts: string[] = [];
  if (outcome.capacity.length > 0) {
    parts.push(
      table(
        [
          'case',
          'pipeline',
          'N',
          'deliveries/s median [min–max]',
          'lines/s',
          'vs baseline',
          'CPU % by process',
          'bound by',
          'server ns/delivery',
          'loop p99 ms',
          'runs',
        ],
        outcome.capacity.map((r) => [
          r.key,
          r.label,
          String(r.listeners),
          range(r.deliveriesPerSec, k),
          k(r.linesPerSec.median),
          BASELINE_OF[r.key] === undefined ? '' : `${ratioToBaseline(outcome.capacity, r.key).toFixed(2)}× ${BASELINE_OF[r.key]}`,
          cpuCell(r),
          r.bottleneck,
          Number.isFinite(r.serverNsPerDelivery.median) ? String(Math.round(r.serverNsPerDelivery.median)) : '—',
          ms(r.loopDelayP99Ms.median),
          `${r.deliveriesPerSec.runs}${r.problems.length > 0 ? ` (${r.problems.length} bad)` : ''}`,
        ]),
      ),
    );
  }
  if (outcome.latency.length > 0) {
    parts.push(
      table(
        ['case', 'N', 'load', 'rate/s', 'p50 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'samples'],
        outcome.latency.map((l) => [
          l.key,
          String(l.listeners),
          `${Math.round(l.loadFraction * 100)}%`,
          String(l.ratePerSec),
          ...latencyCells(l),
        ]),
      ),
    );
  }
  const m = outcome.memory;
  if (m) {
    const kib = (v: number): string => (Number.isFinite(v) ? v.toFixed(1) : '—');
    parts.push(
      table(
        [
          'case',
          'listeners',
          'fresh processes',
          'idle RSS KiB/listener',
          'idle heap KiB/listener',
          'active RSS KiB/listener',
          'active heap KiB/listener',
        ],
        [
          [
            m.key,
            String(m.listeners),
            String(m.processes),
            range(m.idleRssKiBPerListener, kib),
            range(m.idleHeapKiBPerListener, kib),
            range(m.activeRssKiBPerListener, kib),
            range(m.activeHeapKiBPerListener, kib),
          ],
        ],
      ),
    );
  }
  const s = outcome.slowConsumer;
  if (s) {
    parts.push(
      table(
        [
          'case',
          'N',
          'rate/s',
          'extra listener',
          "others' p50 ms",
          "others' p99 ms per run, median [min–max]",
          'dropped per run',
          'runner RSS MiB',
        ],
        (['fast', 'slow'] as const).map((kind) => [
          s.key,
          String(s.listeners),
          String(s.ratePerSec),
          kind === 'fast' ? 'reads at full speed' : `reads ${s.slowReadBytesPerSec} B/s, cap ${s.capBytes / 1024} KiB`,
          ms(s.cases[kind].p50Ms.median),
          range(s.cases[kind].p99Ms, ms),
          String(Math.round(s.cases[kind].dropped.median)),
          String(Math.round(s.cases[kind].rssMiB.max)),
        ]),
      ),
    );
  }
  const storm = outcome.storm;
  if (storm) {
    const count = (v: number): string => (Number.isFinite(v) ? String(Math.round(v)) : '—');
    parts.push(
      table(
        [
          'case',
          'storm',
          'listeners / identities',
          'all streaming ms, median [min–max]',
          'all subscribed ms',
          'target reviews (bound)',
          'scope reviews (bound)',
          'gateway loop p99 ms',
          'retries',
        ],
        (['cold', 'warm'] as const).map((kind) => [
          storm.key,
          kind === 'cold' ? 'onto a fresh replica' : 'onto the same replica',
          `${storm.listeners} / ${storm.identities}`,
          range(storm[kind].streamingMs, count),
          count(storm[kind].subscribedMs.median),
          `${range(storm[kind].targetReviews, count)} (${storm.targetTuples})`,
          `${range(storm[kind].scopeReviews, count)} (${storm.scopeTuples})`,
          ms(storm[kind].loopDelayP99Ms.median),
          count(storm[kind].retries.median),
        ]),
      ),
    );
  }
  const replicas = outcome.replicas;
  if (replicas) {
    parts.push(
      table(
        ['case', 'replicas', 'N', 'rate/s', 'p50 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'samples', 'upstreams opened'],
        replicas.latency.map((l) => [
          l.key,
          String(l.replicas),
          String(replicas.listeners),
          String(l.ratePerSec),
          ...latencyCells(l),
          String(replicas.upstreamsOpened[l.key] ?? '—'),
        ]),
      ),
    );
  }
  if (outcome.agent) parts.push(...agentTables(outcome.agent));
  if (targets.length > 0)
    parts.push(
      table(
        ['target', 'rule', 'measured', 'result'],
        targets.map((t) => [t.id, t.target, t.measured, t.pass ? 'pass' : 'FAIL']),
      ),
    );
  if (gates.length > 0) {
    parts.push(
      table(
        ['CI gate', 'rule', 'measured', 'result'],
        gates.map((g) => [g.id, g.rule, `${g.value.toFixed(2)}×`, g.pass ? 'pass' : 'FAIL']),
      ),
    );
  }
  return parts.join('\n\n');
}

/** CPU % of one core by role (`clients` summed, with its process count), then the whole machine's, other jobs included. */
function cpuCell(r: CapacityResult): string {
  const roles = Object.entries(r.cpuPercent).map(
    ([role, pct]) => `${role} ${Math.round(pct)}${role === 'clients' && r.cpu.clientProcesses > 1 ? ` in ${r.cpu.clientProcesses}` : ''}`,
  );
  return `${roles.join(', ')}; machine ${Number.isFinite(r.cpu.machine) ? Math.round(r.cpu.machine) : '?'}`;
}

/** p50, p99 (with its spread), p99.9, max and samples of a latency measurement. */
function latencyCells(l: LatencySpread): string[] {
  return [ms(l.p50Ms.median), range(l.p99Ms, ms), ms(l.p999Ms.median), ms(l.maxMs.median), String(l.samples)];
}

/** AG: throughput beside the raw reader, append-to-publish latency, and RSS. */
function agentTables(a: AgentResult): string[] {
  const t = a.throughput;
  const f1 = (v: number): string => (Number.isFinite(v) ? v.toFixed(1) : '—');
  const f3 = (v: number): string => (Number.isFinite(v) ? v.toFixed(3) : '—');
  const cpu = Object.entries(t.cpuPercent)
    .map(([role, pct]) => `${role} ${Math.round(pct)}`)
    .join(', ');
  const mb = (t.bytes / 1e6).toFixed(0);
  return [
    table(
      ['case', 'what', 'MB/s median [min–max]', 'lines/s', 'vs raw', 'CPU % (agent run)', 'runs'],
      [
        [
          'AG-tput',
          `agent: read + parse + publish to Redis, ${mb} MB, ${t.lines} lines`,
          range(t.agentMBps, f1),
          k(t.agentLinesPerSec.median),
          range(t.ratio, f3),
          cpu,
          String(t.agentMBps.runs),
        ],
        ['raw', 'same bytes: 256 KiB reads, Buffer.indexOf split', range(t.rawMBps, f1), '', '', 'runner', String(t.rawMBps.runs)],
      ],
    ),
    table(
      ['case', 'rate/s', 'p50 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'samples'],
      a.latency.flatMap((l) =>
        (
          [
            ['AG-lat: agent, append → subscriber', l],
            ['raw-tail: fs.watch → read → PUBLISH', l.raw],
          ] as const
        ).map(([label, s]) => [
          label,
          String(l.ratePerSec),
          f3(s.p50Ms.median),
          `${f3(s.p99Ms.median)} [${f3(s.p99Ms.min)}–${f3(s.p99Ms.max)}]`,
          f3(s.p999Ms.median),
          f1(s.maxMs.median),
          String(s.samples),
        ]),
      ),
    ),
    table(
      [
        'case',
        'containers',
        'processes',
        'RSS MB',
        'anon MB',
        'of it young gen.',
        'file MB',
        'V8 heap MB used / total',
        'RSS above plain Node',
        'anon above plain Node',
      ],
      [
        [
          'AG-rss: agent tailing',
          String(a.memory.containers),
          String(a.memory.processes),
          range(a.memory.tailing.rss, f1),
          range(a.memory.tailing.anon, f1),
          f1(a.memory.tailing.young.median),
          f1(a.memory.tailing.file.median),
          `${f1(a.memory.tailing.heapUsed.median)} / ${f1(a.memory.tailing.heapTotal.median)}`,
          range(a.memory.aboveBare.rss, f1),
          range(a.memory.aboveBare.anon, f1),
        ],
        ['AG-rss: agent, no demand', '0 tailed', String(a.memory.processes), range(a.memory.idleRssMB, f1), '', '', '', '', '', ''],
        ...(a.memory.quiet
          ? [
              [
                `AG-rss: agent following, no lines (largest of ${a.memory.quiet.readings} readings, no forced GC)`,
                String(a.memory.containers),
                '1',
                f1(a.memory.quiet.rss),
                f1(a.memory.quiet.anon),
                '',
                '',
                '',
                f1(a.memory.quiet.rss - a.memory.bare.rss),
                f1(a.memory.quiet.anon - a.memory.bare.anon),
              ],
            ]
          : []),
        [
          'plain Node alone',
          '',
          '1',
          f1(a.memory.bare.rss),
          f1(a.memory.bare.anon),
          f1(a.memory.bare.young),
          f1(a.memory.bare.file),
          `${f1(a.memory.bare.heapUsed)} / ${f1(a.memory.bare.heapTotal)}`,
          '',
          '',
        ],
      ],
    ),
  ];
}
