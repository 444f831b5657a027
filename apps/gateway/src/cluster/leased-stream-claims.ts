// Claims on Redis leases, one LeasedStream per stream key with listeners or a lease here.
import type { StreamDescriptor } from '../model/stream-descriptor';
import { LeasedStream, type LeasedStreamContext } from './leased-stream';
import type { StreamClaim, StreamClaims, UpstreamRunner } from './stream-claim';

export class LeasedStreamClaims implements StreamClaims {
  constructor(private readonly ctx: LeasedStreamContext) {}

  claim(stream: StreamDescriptor, run: UpstreamRunner, onClosed: () => void): StreamClaim {
    return new LeasedStream(stream, run, onClosed, this.ctx);
  }

  /** Call after every claim was shut down: their hand-overs use the connection. */
  close(): Promise<void> {
    return this.ctx.leases.close();
  }
}
