// Runs the LogBus conformance suite against both implementations: the in-process bus (buses of
// one suite share a hub, as processes share Redis) and the Redis bus on the run's redis-server.
import { randomUUID } from 'node:crypto';

import { InProcessLogBus, InProcessLogHub, RedisLogBus } from '@tailgate/bus';
import { describeLogBus } from '@tailgate/bus/testing';
import { inject } from 'vitest';

const hub = new InProcessLogHub();
describeLogBus('in-process', (hooks) => new InProcessLogBus({ hub, ...hooks }));

// A prefix of this file's own, so test files sharing the redis-server never hear each other.
const keyPrefix = `test:log-bus:${randomUUID().slice(0, 8)}:`;
describeLogBus('redis', (hooks) => new RedisLogBus({ url: inject('redisUrl'), keyPrefix, ...hooks }), { channelPrefix: keyPrefix });
