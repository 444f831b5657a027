// What each new /logs connection starts with (from `streams.*`); a class so NestJS can inject it.
export class SocketSettings {
  constructor(
    /** `streams.listenerBufferBytes`: bytes a connection may have waiting before its subscriptions count as slow. */
    readonly listenerBufferBytes: number,
    /** `streams.connectionBufferBytes`: what a connection's slow lanes and held batches may hold together. */
    readonly connectionBufferBytes: number,
  ) {}
}
