// The replay part of the LogBus conformance suite: ids on delivery, replay after an id in order
// and once, gaps once older messages were dropped, the same answers from every bus of one medium.
import { describe, expect, it } from 'vitest';

import { compareMessageIds, type MessageId } from '../message-ids';
import type { MessageInbox } from './message-inbox';
import { subscribeInbox, type SuiteContext } from './suite-context';

interface Published {
  readonly inbox: MessageInbox;
  readonly ids: readonly MessageId[];
}

// Publishes `messages` one after the other and returns the ids a subscriber received them with.
async function publishAndCollectIds(context: SuiteContext, channel: string, messages: readonly string[]): Promise<Published> {
  const [publisher, subscriber] = await Promise.all([context.bus(), context.bus()]);
  const inbox = await subscribeInbox(subscriber, channel);
  for (const message of messages) await publisher.publish(channel, message);
  await inbox.waitFor(messages.length);
  const ids = inbox.ids.map((id, i) => {
    if (id === undefined) throw new Error(`message ${i} arrived without a replay id`);
    return id;
  });
  return { inbox, ids };
}

export function describeReplay(context: SuiteContext, maxMessages: number): void {
  if (maxMessages < 5) throw new RangeError('the replay conformance tests need buses that keep at least 5 messages');

  describe('replay', () => {
    it('gives every delivered message an id, increasing in publish order', async () => {
      const channel = context.channel();
      const { inbox, ids } = await publishAndCollectIds(context, channel, ['a', 'b', 'c']);
      expect(inbox.messages).toEqual(['a', 'b', 'c']);
      expect(compareMessageIds(ids[0] ?? '', ids[1] ?? '')).toBeLessThan(0);
      expect(compareMessageIds(ids[1] ?? '', ids[2] ?? '')).toBeLessThan(0);
    });

    it('replays what was published after an id, in order and once, from any bus of the deployment', async () => {
      const channel = context.channel();
      const sent = ['first', 'second', 'third', 'fourth'];
      const { ids } = await publishAndCollectIds(context, channel, sent);
      const reader = await context.bus();
      const held = sent.map((message, i) => ({ id: ids[i], message }));
      expect(await reader.replay(channel, ids[1])).toEqual({ messages: held.slice(2), complete: true });
      expect(await reader.replay(channel)).toEqual({ messages: held, complete: true });
      expect(await reader.replay(channel, ids[3])).toEqual({ messages: [], complete: true });
    });

    it('keeps the newest messages and reports a gap to whoever missed a dropped one', async () => {
      const channel = context.channel();
      const sent = Array.from({ length: maxMessages + 3 }, (_, i) => `m${i}`);
      const { ids } = await publishAndCollectIds(context, channel, sent);
      const bus = await context.bus();
      const held = sent.slice(3).map((message, i) => ({ id: ids[i + 3], message }));
      // m0…m2 were dropped: after m0, m1 and m2 are missing; after m2 (the newest dropped) nothing is.
      expect(await bus.replay(channel, ids[0])).toEqual({ messages: held, complete: false });
      expect(await bus.replay(channel, ids[2])).toEqual({ messages: held, complete: true });
      expect(await bus.replay(channel)).toEqual({ messages: held, complete: false });
      expect(await bus.replay(channel, ids.at(-2))).toEqual({ messages: held.slice(-1), complete: true });
    });

    it('answers for a channel that holds nothing: complete from the start, a possible gap after any id', async () => {
      const bus = await context.bus();
      const channel = context.channel();
      expect(await bus.replay(channel)).toEqual({ messages: [], complete: true });
      expect(await bus.replay(channel, '1700000000000-0')).toEqual({ messages: [], complete: false });
    });

    it('reports a gap for an id from before the buffer began', async () => {
      const channel = context.channel();
      const { ids } = await publishAndCollectIds(context, channel, ['only']);
      const bus = await context.bus();
      const [ms] = (ids[0] ?? '').split('-');
      const earlier = `${Number(ms) - 1}-0`;
      expect(await bus.replay(channel, earlier)).toEqual({ messages: [{ id: ids[0], message: 'only' }], complete: false });
    });

    it('refuses an id that is not a message id', async () => {
      const bus = await context.bus();
      await expect(bus.replay(context.channel(), 'yesterday')).rejects.toMatchObject({ code: 'invalid_message_id' });
      await expect(bus.replay(context.channel(), '12-')).rejects.toMatchObject({ code: 'invalid_message_id' });
    });
  });
}
