// CRI record cursors are the SDK's time cursors.
export { CursorClock, dateToEpochNanos, formatCursor, parseTimeCursor, toEpochNanos } from '@tailgate/plugin-sdk';
