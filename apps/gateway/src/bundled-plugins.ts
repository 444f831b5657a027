// The plugins this image carries; tailgate.yaml decides which are enabled.
import agentPodLogs from '@tailgate/plugin-agent-pod-logs';
import flowTap from '@tailgate/plugin-flow-tap';
import kubeEvents from '@tailgate/plugin-kube-events';
import kubePodLogs from '@tailgate/plugin-kube-pod-logs';
import kubeRbac from '@tailgate/plugin-kube-rbac';
import kubeSelf from '@tailgate/plugin-kube-self';
import kubeToken from '@tailgate/plugin-kube-token';
import namespaceAllowlist from '@tailgate/plugin-namespace-allowlist';
import nodeFile from '@tailgate/plugin-node-file';
import nodeLogs from '@tailgate/plugin-node-logs';
import podLabelPolicy from '@tailgate/plugin-pod-label-policy';
import redaction from '@tailgate/plugin-redaction';
import staticTokens from '@tailgate/plugin-static-tokens';
import type { Plugin } from '@tailgate/plugin-sdk';

export const BUNDLED_PLUGINS: readonly Plugin<unknown>[] = [
  kubeToken,
  kubeRbac,
  kubeSelf,
  staticTokens,
  namespaceAllowlist,
  podLabelPolicy,
  nodeFile,
  nodeLogs,
  kubePodLogs,
  agentPodLogs,
  flowTap,
  kubeEvents,
  redaction,
] as Plugin<unknown>[];
