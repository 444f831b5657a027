// Starts the one redis-server of an integration run and hands its URL to every test file as
// `inject('redisUrl')`. Files share it, so each uses its own channel names and key prefix.
import type { TestProject } from 'vitest/node' with { 'resolution-mode': 'import' };

// A relative import on purpose: vitest 4 loads global setup files in its `__vitest__` environment,
// which does not get the `@tailgate/source` resolve condition, so `@tailgate/testing` would
// resolve to its unbuilt dist/. Test files themselves import `@tailgate/...` as usual.
import { startRedisServer } from '../../libs/testing/src/index';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startRedisServer();
  project.provide('redisUrl', server.url);
  return () => server.stop();
}
