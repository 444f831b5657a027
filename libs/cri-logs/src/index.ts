// Public entry of @tailgate/cri-logs: reading CRI container log files as kubelet writes them under
// /var/log/pods — parse, tail across rotation and truncation, read back, keep positions. The
// node-file source, the node agent and the agent-pod-logs source share it.
export { AgentTail, type AgentTailEvent, type AgentTailOptions, type AgentTailStep, type TailFrom } from './agent-tail';
export { type BacklogWindow, containerBacklog } from './container-backlog';
export { ContainerFileTailer, type TailCounts, type TailerPoll } from './container-file-tailer';
export {
  type ContainerLink,
  type ContainerLinkName,
  HOST_PODS_ROOT,
  parseContainerLinkName,
  resolveContainerLinks,
} from './container-links';
export type { ContainerLogDir, TailerOptions } from './container-log-dir';
export { type ClockState, ContainerLogDecoder, TRUNCATED_LINE_MARKER } from './container-log-decoder';
export { CursorClock, dateToEpochNanos, formatCursor, toEpochNanos } from './cri-cursor';
export { type CriEntry, parseCriLine } from './cri-parser';
export { type LogFileSnapshot, snapshotLogFile } from './log-file-snapshot';
export { PodDirectoryScanner, type UnreadableDirectory, type UnreadableHandler } from './pod-directory-scanner';
export { podScope, type PodSelector, PodSelectorSchema, podStreamKey } from './pod-selector';
export { SharedDirectoryListing } from './shared-directory-listing';
export { type TailerStart, type TailPosition, TailPositionSchema } from './tail-position';
