// Jobs of the host itself (the gateway and the worker, not a plugin), registered next to the
// plugins' under the reserved id `core`: `core.<name>`, run by the same runners with the same rules.
import type { RegisteredJob } from '@tailgate/plugin-host';
import type { JobDefinition } from '@tailgate/plugin-sdk';

import type { RegisteredJobs } from './job-runner';

export const HOST_JOBS_ID = 'core';

/** The queued name of host job `name`. */
export function hostJobName(name: string): string {
  return `${HOST_JOBS_ID}.${name}`;
}

/** The plugins' jobs and the host's in one map; a plugin that took the id `core` is refused. */
export function withHostJobs(pluginJobs: RegisteredJobs, hostJobs: readonly JobDefinition<unknown>[]): RegisteredJobs {
  const jobs = new Map<string, RegisteredJob>(pluginJobs);
  for (const definition of hostJobs) {
    const name = hostJobName(definition.name);
    if (jobs.has(name)) throw new Error(`job ${name} is the host's: no plugin may register it`);
    jobs.set(name, { pluginId: HOST_JOBS_ID, definition });
  }
  return jobs;
}
