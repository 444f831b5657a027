// What tests and the embedded mode use of the agent: its composition root and its settings.
export { type AgentConfig, AgentConfigSchema, describeAgentSettings, envOf, flagOf, parseAgentConfig } from './agent-config';
export { AgentError, type AgentErrorCode, type AgentProblemCode } from './agent-error';
export type { InventoryContainer } from './container-inventory';
export { POSITIONS_FILE } from './position-store';
export { type RunningAgent, startAgent, type StartAgentOptions } from './start-agent';
export type { TailSink } from './tail-pump';
