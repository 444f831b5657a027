// Public entry of @tailgate/plugin-agent-pod-logs: the gateway-side source, and the node side of
// the agent protocol (DemandServer) that the agent process and the embedded mode run.
import { agentPodLogsPlugin } from './plugin';

export { AGENT_PLUGIN_ID, AGENTS_CHANNEL, batchesChannel, DEMAND_CHANNEL } from './agent-channels';
export { AgentDirectory } from './agent-directory';
export { AgentMessageSigner, NoAgentSessionError, type PublishBytes, type SigningKey, signingBus } from './agent-message-signer';
export { AgentMessageVerifier, type AgentMessageRefusal, MESSAGES_REFUSED_METRIC } from './agent-message-verifier';
export { type AgentSession, AgentSessionKeys } from './agent-session-keys';
export { NODE_NAME_EXTRA, POD_NAME_EXTRA, SESSION_PATH, SESSIONS_METRIC, sessionNode } from './agent-session-endpoint';
export { type MessageRefusalReason, openAgentMessage, sealAgentMessage, sealAgentMessageBytes } from './signed-agent-message';
export {
  type AgentRefusalReason,
  AgentNodeBinding,
  bindingVerdict,
  type BindingVerdict,
  RECORDS_REFUSED_METRIC,
} from './agent-node-binding';
export {
  type AgentMessage,
  type AgentRefusalCode,
  type Demand,
  type DemandMessage,
  DemandMessageSchema,
  MAX_DEMAND_TTL_MS,
  parseAgentMessage,
  parseDemandMessage,
} from './agent-messages';
export {
  type AgentAuthenticationConfig,
  type AgentPodLogsConfig,
  AgentPodLogsConfigSchema,
  type EmbeddedAgentConfig,
} from './agent-pod-logs-config';
export { AgentPodLogsSource } from './agent-pod-logs-source';
export { type AgentPodSelector, AgentPodSelectorSchema } from './agent-pod-selector';
export { DemandServer, type DemandServerCounts, type DemandServerOptions, type NodeTailing } from './demand-server';
export { EmbeddedAgent } from './embedded-agent';
export { agentPodLogsPlugin } from './plugin';
export default agentPodLogsPlugin;
