// One follower per container instance in this process, shared by every stream that wants it:
// two subscriptions whose selectors both cover a container read it through one pods/log request.
import type { KubeTransport } from '@tailgate/kube';
import type { TargetRef } from '@tailgate/plugin-sdk';

import { ContainerFollower, type FollowerListener, type FollowerOptions, type FollowStart } from './container-follower';

export interface FollowerHandle {
  nudge(): void;
  release(): void;
}

export class FollowerPool {
  private readonly followers = new Map<string, ContainerFollower>();

  constructor(
    private readonly transport: Pick<KubeTransport, 'stream'>,
    private readonly options: FollowerOptions,
  ) {}

  /** Upstream requests open right now (one per followed container). */
  get size(): number {
    return this.followers.size;
  }

  acquire(target: TargetRef, podUid: string, start: FollowStart, listener: FollowerListener): FollowerHandle {
    const key = `${podUid}/${target.container}`;
    let follower = this.followers.get(key);
    if (follower === undefined) {
      follower = new ContainerFollower(this.transport, target, start, this.options);
      this.followers.set(key, follower);
    }
    follower.add(listener);
    const held = follower;
    let released = false;
    return {
      nudge: () => held.nudge(),
      release: () => {
        if (released) return;
        released = true;
        if (held.remove(listener) > 0) return;
        if (this.followers.get(key) === held) this.followers.delete(key);
        void held.stop();
      },
    };
  }
}
