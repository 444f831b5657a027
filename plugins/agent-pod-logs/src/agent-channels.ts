// The channels of the agent protocol, named relative to the host's plugin prefix (the gateway's
// PluginBus adds `<keyPrefix>plugins:`; the agent process adds the same itself). Every name
// carries a Redis Cluster hash tag: all agents hear one demand channel; each stream run has its
// own batch channel, keyed by a random run id so a stale agent message never reaches a later run.

export const AGENT_PLUGIN_ID = 'agent-pod-logs';

/** Gateways → every agent: demand renewals and releases. */
export const DEMAND_CHANNEL = `${AGENT_PLUGIN_ID}:{demand}:demand`;

/** Agents → every gateway: who is there (a heartbeat, and an answer to a roll call). */
export const AGENTS_CHANNEL = `${AGENT_PLUGIN_ID}:{demand}:agents`;

/** Agents → the gateway running stream run (or backlog request) `run`: announcements, record batches, refusals. */
export function batchesChannel(run: string): string {
  return `${AGENT_PLUGIN_ID}:{${run}}:batches`;
}
