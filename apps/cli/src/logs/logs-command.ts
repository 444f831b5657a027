// `tailgate logs`: stern's flags on a Tailgate gateway (docs/cli.md). The flags are read here,
// resolved with the config file's defaults in logs-settings.ts, and run by run-logs.ts (or
// stdin-logs.ts with --stdin). Errors are thrown as CliError; main.ts prints them and exits.
import type { Command } from 'commander';
import { z } from 'zod';

import { CliError } from '../cli-error';
import { loadCliConfig } from '../config/cli-config';
import { openConnection } from '../connection/open-connection';
import { EXIT_CODES } from '../exit-codes';
import { buildLogsOutput, colorsEnabled } from './logs-output';
import { type LogsFlags, resolveLogsSettings } from './logs-settings';
import { OutputSink } from './output-sink';
import { runLogs } from './run-logs';
import { runStdin } from './stdin-logs';

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];
const collectComma = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), ...value.split(',')];
const parseBool =
  (flag: string) =>
  (value: string): boolean => {
    if (value === 'true') return true;
    if (value === 'false') return false;
    throw CliError.usage(`${flag}: expected true or false`);
  };

const stringList = z.array(z.string()).optional();
/** What commander hands over, parsed once at the edge. */
const LogsFlagsSchema = z.object({
  namespace: stringList,
  allNamespaces: z.boolean().optional(),
  selector: z.string().optional(),
  fieldSelector: z.string().optional(),
  node: z.string().optional(),
  container: z.string().optional(),
  excludeContainer: stringList,
  excludePod: stringList,
  initContainers: z.boolean().optional(),
  ephemeralContainers: z.boolean().optional(),
  since: z.string().optional(),
  tail: z.string().optional(),
  follow: z.boolean().optional(),
  previous: z.boolean().optional(),
  timestamps: z.union([z.string(), z.boolean()]).optional(),
  timezone: z.string().optional(),
  include: stringList,
  exclude: stringList,
  highlight: stringList,
  output: z.string().optional(),
  template: z.string().optional(),
  templateFile: z.string().optional(),
  color: z.string().optional(),
  onlyLogLines: z.boolean().optional(),
  diffContainer: z.boolean().optional(),
  stdin: z.boolean().optional(),
  source: z.string().optional(),
  server: z.string().optional(),
  token: z.string().optional(),
  kubeconfig: z.string().optional(),
  context: z.string().optional(),
});

export function registerLogsCommand(program: Command): void {
  program
    .command('logs')
    .description('Tail the logs of pods and containers, stern style')
    .argument('[query]', 'pod name regular expression, or <resource>/<name> such as deployment/web')
    .option(
      '-n, --namespace <namespace>',
      'namespace to read; repeat or comma-separate for several (default: every namespace you may read)',
      collectComma,
    )
    .option('-A, --all-namespaces', 'read every namespace you may read')
    .option('-l, --selector <selector>', 'label selector')
    .option('--field-selector <selector>', 'field selector over pod fields')
    .option('--node <node>', 'only pods on this node')
    .option('-c, --container <regex>', 'container name regular expression (default ".*")')
    .option('-E, --exclude-container <regex>', 'container names to leave out; repeatable', collect)
    .option('--exclude-pod <regex>', 'pod names to leave out; repeatable', collect)
    .option('--init-containers [bool]', 'include init containers (default true)', parseBool('--init-containers'))
    .option('--ephemeral-containers [bool]', 'include ephemeral containers (default true)', parseBool('--ephemeral-containers'))
    .option('-s, --since <duration>', 'logs newer than this, e.g. 5s, 2m, 3h (default 24h, or the server limit)')
    .option('--tail <lines>', 'lines per container from the end of the backlog; -1 for all (default -1)')
    .option('--no-follow', 'exit when the backlog has been shown')
    .option('-p, --previous', 'the previous (terminated) instance of each container')
    .option('-t, --timestamps [format]', 'print timestamps: default or short (write --timestamps=short)')
    .option('--timezone <zone>', 'time zone of timestamps, e.g. UTC or Asia/Tokyo (default Local)')
    .option('-i, --include <regex>', 'only lines matching; repeatable', collect)
    .option('-e, --exclude <regex>', 'leave out lines matching; repeatable', collect)
    .option('-H, --highlight <regex>', 'highlight matches; repeatable', collect)
    .option('-o, --output <format>', 'default, raw, json, extjson or ppextjson')
    .option('--template <template>', 'Go-style template for each line (see docs/cli.md)')
    .option('-T, --template-file <file>', 'read the template from a file (wins over --template)')
    .option('--color <when>', 'auto, always or never (default auto)')
    .option('--only-log-lines', 'print no +/- lines as containers start and stop')
    .option('-d, --diff-container', 'colour containers by their own name')
    .option('--stdin', 'read lines from stdin instead of a server')
    .option('--source <id>', 'source id (default: kube-pod-logs.pods, agent-pod-logs.pods or node-file.pods, the first offered)')
    .option('--server <url>', 'gateway URL (default: $TAILGATE_SERVER, the config file, or desktop mode)')
    .option('--token <token>', 'bearer token (default: $TAILGATE_TOKEN or the config file)')
    .option('--kubeconfig <file>', 'desktop mode: start a gateway in this process with this kubeconfig')
    .option('--context <name>', 'desktop mode: the kubeconfig context')
    .action(async (query: string | undefined, rawFlags: unknown, command: Command) => {
      const parsed = LogsFlagsSchema.safeParse(rawFlags);
      if (!parsed.success)
        throw CliError.usage(`logs: ${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}`);
      const { server, token, kubeconfig, context, ...logsFlags } = parsed.data;
      // --no-follow's default (follow: true) is commander's, not the user's: the config file may set it.
      const flags: LogsFlags = command.getOptionValueSource('follow') === 'cli' ? logsFlags : { ...logsFlags, follow: undefined };
      const config = loadCliConfig();
      const settings = resolveLogsSettings(query, flags, config.logs);
      const colors = colorsEnabled(settings.color, process.stdout.isTTY, process.env);
      const output = buildLogsOutput(settings, colors, (message) => process.stderr.write(`tailgate: ${message}\n`));
      const sink = new OutputSink(process.stdout);
      if (settings.stdin) {
        await runStdin(process.stdin, output.renderer, sink);
        if (sink.error) throw new CliError(`cannot write to stdout (${sink.error.code ?? 'error'})`);
        return;
      }
      const connection = await openConnection(
        {
          ...(server !== undefined && { server }),
          ...(token !== undefined && { token }),
          ...(kubeconfig !== undefined && { kubeconfig }),
          ...(context !== undefined && { context }),
        },
        config,
      );
      const interrupt = new AbortController();
      const onSigint = (): void => interrupt.abort();
      process.once('SIGINT', onSigint);
      try {
        const exitCode = await runLogs({
          client: connection.client,
          settings,
          output,
          sink,
          stderr: process.stderr,
          interrupt: interrupt.signal,
        });
        if (exitCode !== EXIT_CODES.ok) process.exitCode = exitCode;
      } finally {
        process.off('SIGINT', onSigint);
        await connection.close();
      }
    });
}
