// The send budget the slow lanes of one connection share (`streams.connectionBufferBytes`).

/** Bytes the lanes of one connection hold together, and at most. */
export interface SharedBytes {
  readonly capBytes: number;
  usedBytes: number;
}
