// Both job runners pass one behaviour suite: in process, and BullMQ on the run's real redis-server
// (each runner on a queue of its own, under a fresh key prefix).
import { randomUUID } from 'node:crypto';

import { BullmqJobRunner, InProcessJobRunner } from '@tailgate/jobs';
import { describeJobRunner } from '@tailgate/jobs/testing';
import { inject } from 'vitest';

describeJobRunner('in process', (settings, hooks) => new InProcessJobRunner(settings, hooks));

describeJobRunner(
  'bullmq on redis',
  (settings, hooks) =>
    new BullmqJobRunner({
      redis: { url: inject('redisUrl'), keyPrefix: `test:jobs:${randomUUID()}:` },
      mode: 'worker',
      settings,
      ...hooks,
    }),
);
