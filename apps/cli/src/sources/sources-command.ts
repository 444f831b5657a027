// `tailgate sources`: what the server offers (sources.list), as a table or JSON. Connects like
// `tailgate logs`: --server/--token, the config file, or desktop mode with --kubeconfig.
import type { Command } from 'commander';
import { z } from 'zod';

import { CliError } from '../cli-error';
import { loadCliConfig } from '../config/cli-config';
import { openConnection } from '../connection/open-connection';
import { sourcesJson, sourcesTable } from './sources-output';

const SourcesFlagsSchema = z.strictObject({
  server: z.string().min(1).optional(),
  token: z.string().min(1).optional(),
  kubeconfig: z.string().min(1).optional(),
  context: z.string().min(1).optional(),
  output: z.enum(['table', 'json']).default('table'),
});

export function registerSourcesCommand(program: Command): void {
  program
    .command('sources')
    .description('List the log sources the server offers and what each supports')
    .option('--server <url>', 'gateway URL (default: $TAILGATE_SERVER, the config file, or desktop mode)')
    .option('--token <token>', 'bearer token (default: $TAILGATE_TOKEN or the config file)')
    .option('--kubeconfig <file>', 'desktop mode: start a gateway in this process with this kubeconfig')
    .option('--context <name>', 'desktop mode: the kubeconfig context')
    .option('-o, --output <format>', 'table or json', 'table')
    .action(async (flags: unknown) => {
      const parsed = SourcesFlagsSchema.safeParse(flags);
      if (!parsed.success)
        throw CliError.usage(`sources: ${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}`);
      const { output, ...connection } = parsed.data;
      const opened = await openConnection(connection, loadCliConfig());
      try {
        const sources = await opened.client.sourcesList();
        process.stdout.write(output === 'json' ? sourcesJson(sources) : sourcesTable(sources));
      } finally {
        await opened.close();
      }
    });
}
