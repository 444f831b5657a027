// Errors a log bus rejects with; each carries a stable `code` so callers can map it without parsing text.

export class LogBusClosedError extends Error {
  readonly code = 'bus_closed';

  constructor(operation: string) {
    super(`cannot ${operation}: the log bus is closed`);
    this.name = 'LogBusClosedError';
  }
}

export class InvalidChannelError extends Error {
  readonly code = 'invalid_channel';

  constructor(channel: string, reason: string) {
    super(`invalid channel ${JSON.stringify(channel)}: ${reason}`);
    this.name = 'InvalidChannelError';
  }
}

export class InvalidMessageIdError extends Error {
  readonly code = 'invalid_message_id';

  constructor(id: string) {
    super(`invalid message id ${JSON.stringify(id.slice(0, 60))}: expected "<milliseconds>-<sequence>"`);
    this.name = 'InvalidMessageIdError';
  }
}
