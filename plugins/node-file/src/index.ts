// Public entry of @tailgate/plugin-node-file.
import { nodeFilePlugin } from './plugin';

export {
  ContainerFileTailer,
  type ContainerLogDir,
  type LogFileSnapshot,
  type TailerOptions,
  type TailerPoll,
} from './container-file-tailer';
export { ContainerLogDecoder } from './container-log-decoder';
export { CursorClock, dateToEpochNanos, formatCursor, toEpochNanos } from './cri-cursor';
export { type CriEntry, parseCriLine } from './cri-parser';
export { NodeFileConfigSchema, type NodeFileConfig } from './node-file-config';
export { NodeFileSource } from './node-file-source';
export { PodDirectoryScanner } from './pod-directory-scanner';
export { podScope, type PodSelector, PodSelectorSchema, podStreamKey } from './pod-selector';
export { nodeFilePlugin } from './plugin';
export default nodeFilePlugin;
