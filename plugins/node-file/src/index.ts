// Public entry of @tailgate/plugin-node-file: the `pods` source, and the CRI tailing engine the
// node agent shares with it.
import { nodeFilePlugin } from './plugin';

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
export { NodeFileConfigSchema, type NodeFileConfig } from './node-file-config';
export { NodeFileSource } from './node-file-source';
export { PodDirectoryScanner, type UnreadableDirectory, type UnreadableHandler } from './pod-directory-scanner';
export { podScope, type PodSelector, PodSelectorSchema, podStreamKey } from './pod-selector';
export { type TailerStart, type TailPosition, TailPositionSchema } from './tail-position';
export { nodeFilePlugin } from './plugin';
export default nodeFilePlugin;
