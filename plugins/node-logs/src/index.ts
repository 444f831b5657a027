// Public entry of @tailgate/plugin-node-logs.
import { nodeLogsPlugin } from './plugin';

export { FileSnapshotFollower, lineCursor } from './file-snapshot-follower';
export { type JournalAnswer, type JournalLine, parseJournalAnswer } from './journal-answer';
export { JournalFollower, withCursors } from './journal-follower';
export { MESSAGES as NODE_LOG_ERROR_MESSAGES, nodeLogQueryError } from './node-log-errors';
export { nodeLogPath, type NodeLogRequest } from './node-log-request';
export { type NodeLogSelector, NodeLogSelectorSchema } from './node-log-selector';
export { NodeLogSource } from './node-log-source';
export { NodeLogsConfigSchema, type NodeLogsConfig } from './node-logs-config';
export { nodeLogsPlugin } from './plugin';
export default nodeLogsPlugin;
