// Runs the LogBus conformance suite against both implementations: the in-process bus (buses of
// one suite share a hub, as processes share Redis) and the Redis bus on the run's redis-server.
// Both keep 5 messages per channel, so the replay tests trim after a few publishes.
import { randomUUID } from 'node:crypto';

import { InProcessLogBus, InProcessLogHub, RedisLogBus } from '@tailgate/bus';
import { describeLogBus } from '@tailgate/bus/testing';
import { inject } from 'vitest';

const replay = { maxMessages: 5 };

const hub = new InProcessLogHub({ replay });
describeLogBus('in-process', (hooks) => new InProcessLogBus({ hub, ...hooks }), { replayMaxMessages: replay.maxMessages });

// A prefix of this file's own, so test files sharing the redis-server never hear each other.
const keyPrefix = `test:log-bus:${randomUUID().slice(0, 8)}:`;
describeLogBus('redis', (hooks) => new RedisLogBus({ url: inject('redisUrl'), keyPrefix, replay, ...hooks }), {
  channelPrefix: keyPrefix,
  replayMaxMessages: replay.maxMessages,
});
