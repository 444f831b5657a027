// Where the BullMQ queue keeps its keys. Every key of a queue must sit in one Redis Cluster slot
// (BullMQ's scripts touch several at once), so the prefix is one hash tag derived from
// `redis.keyPrefix`: `tailgate:` → `{tailgate:bullmq}`, keys `{tailgate:bullmq}:plugin-jobs:…`.

/** The queue of the plugins' jobs; BullMQ refuses `:` in queue names. */
export const PLUGIN_JOBS_QUEUE = 'plugin-jobs';

export function bullmqPrefix(keyPrefix: string): string {
  // Braces inside the tag would end it early (or make it empty, hashing every key on its own).
  return `{${keyPrefix.replace(/[{}]/g, '')}bullmq}`;
}
