// `tailgate serve`'s flags, parsed once where they enter (commander hands over strings).
import { z } from 'zod';

import { CliError } from '../cli-error';
import { isLoopbackHost } from '@tailgate/config';

/** The demo's port when none is given: the one the README's examples name. */
export const DEMO_PORT = 8080;

const ServeFlagsSchema = z.strictObject({
  kubeconfig: z.string().min(1).optional(),
  context: z.string().min(1).optional(),
  port: z.coerce.number().int().min(0).max(65_535).optional(),
  host: z.string().min(1).default('127.0.0.1'),
  allowRemote: z.boolean().default(false),
  demo: z.boolean().default(false),
});

export interface ServeOptions {
  readonly mode: 'desktop' | 'demo';
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly host: string;
  /** 0: a free port. */
  readonly port: number;
}

/** Flags, then the CLI config file's `kubeconfig`/`context`, then the defaults. */
export function parseServeOptions(flags: unknown, defaults: { kubeconfig?: string; context?: string } = {}): ServeOptions {
  const parsed = ServeFlagsSchema.safeParse(flags);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `--${issue.path.join('.')}: ${issue.message}`);
    throw CliError.usage(`serve: ${problems.join('; ')}`);
  }
  const { host, allowRemote, demo, port } = parsed.data;
  if (!allowRemote && !isLoopbackHost(host)) {
    throw CliError.usage(`serve: --host ${host} is reachable from other machines; add --allow-remote if that is what you want`);
  }
  if (demo && (parsed.data.kubeconfig !== undefined || parsed.data.context !== undefined)) {
    throw CliError.usage('serve: --demo runs without a cluster; leave out --kubeconfig and --context');
  }
  if (demo) return { mode: 'demo', host, port: port ?? DEMO_PORT };
  const kubeconfig = parsed.data.kubeconfig ?? defaults.kubeconfig;
  const context = parsed.data.context ?? defaults.context;
  return { mode: 'desktop', host, port: port ?? 0, ...(kubeconfig && { kubeconfig }), ...(context && { context }) };
}
