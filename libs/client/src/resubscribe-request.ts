// What a subscription asks for when it subscribes again after a reconnect: the original request
// with `resume` set to the last cursor of every container it received from. `tail` and `since`
// only go again when nothing was received yet (the server refuses them next to `resume`, and
// they would repeat records). Containers not listed continue after the smallest listed cursor.
import type { SubscribeRequest } from '@tailgate/contracts';

import type { SubscribeOptions } from './subscription';

/** The request of a first subscribe, built field by field from the caller's options. */
export function subscribeRequest(options: SubscribeOptions): SubscribeRequest {
  return {
    source: options.source,
    ...(options.selector !== undefined && { selector: options.selector }),
    ...(options.tail !== undefined && { tail: options.tail }),
    ...(options.since !== undefined && { since: options.since }),
    ...(options.follow !== undefined && { follow: options.follow }),
    ...(options.resume !== undefined && { resume: options.resume }),
    ...(options.order !== undefined && { order: options.order }),
  };
}

export function resubscribeRequest(options: SubscribeOptions, cursors: Readonly<Record<string, string>>): SubscribeRequest {
  if (Object.keys(cursors).length === 0) return subscribeRequest(options);
  const earlier = typeof options.resume === 'object' ? options.resume : {};
  const { tail: _tail, since: _since, ...rest } = subscribeRequest(options);
  return { ...rest, resume: { ...earlier, ...cursors } };
}
