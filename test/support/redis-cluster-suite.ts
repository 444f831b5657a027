// A real Redis Cluster for one test file: started before its tests, stopped after them.
import { type RedisCluster, startRedisCluster } from '@tailgate/testing';
import { afterAll, beforeAll } from 'vitest';

/** Registers the hooks; the returned function gives the running cluster (throws if it did not start). */
export function useRedisCluster(): () => RedisCluster {
  let cluster: RedisCluster | undefined;
  beforeAll(async () => {
    cluster = await startRedisCluster();
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  return () => {
    if (cluster === undefined) throw new Error('the Redis Cluster did not start');
    return cluster;
  };
}
