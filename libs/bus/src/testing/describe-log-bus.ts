// Conformance suite every LogBus passes (in-process, Redis and Redis Cluster alike):
//   describeLogBus('redis', (hooks) => new RedisLogBus({ url, keyPrefix, replay, ...hooks }), { channelPrefix: keyPrefix, replayMaxMessages: 5 })
// All buses one factory makes must reach each other, and share replay buffers, as processes of
// one deployment do.
import { createHash } from 'node:crypto';

import { describe, expect, it, vi } from 'vitest';

import type { HandlerErrorContext } from '../handler-errors';
import { ReplaySettingsSchema } from '../replay-settings';
import { DEFAULT_KEY_PREFIX } from '../stream-channels';
import { describeReplay } from './describe-log-bus-replay';
import { MessageInbox } from './message-inbox';
import { subscribeInbox, suiteContext, type MakeLogBus, type SuiteContext } from './suite-context';

export type { MakeLogBus } from './suite-context';

export interface DescribeLogBusOptions {
  /** Every channel the suite uses starts with this (a RedisLogBus refuses others). Default `tailgate:`. */
  readonly channelPrefix?: string;
  /** The `replay.maxMessages` the factory's buses keep (at least 5; small keeps the suite fast). Default: the settings' default. */
  readonly replayMaxMessages?: number;
}

export function describeLogBus(name: string, makeBus: MakeLogBus, options: DescribeLogBusOptions = {}): void {
  describe(`LogBus conformance: ${name}`, () => {
    const context = suiteContext(makeBus, options.channelPrefix ?? DEFAULT_KEY_PREFIX);
    describeRouting(context);
    describeHandlers(context);
    describePayloads(context);
    describeLifecycle(context);
    describeReplay(context, options.replayMaxMessages ?? ReplaySettingsSchema.parse({}).maxMessages);
  });
}

function describeRouting(context: SuiteContext): void {
  it('delivers a message only to handlers of exactly its channel, even where names are prefixes or globs of others', async () => {
    const bus = await context.bus();
    const base = context.channel();
    const channels = [base, `${base}:records`, base.slice(0, -1), `${base}*`, `${base}:?ecords`, `${base}:[r]ecords`];
    const inboxes = await Promise.all(channels.map((channel) => subscribeInbox(bus, channel)));
    for (const channel of channels) await bus.publish(channel, `message for ${channel}`);
    // Published after every message above, so any cross-talk would arrive before these markers.
    for (const channel of channels) await bus.publish(channel, `end of ${channel}`);
    await Promise.all(inboxes.map((inbox, i) => inbox.waitForMessage(`end of ${channels[i] ?? ''}`)));
    inboxes.forEach((inbox, i) => {
      expect(inbox.messages).toEqual([`message for ${channels[i] ?? ''}`, `end of ${channels[i] ?? ''}`]);
    });
  });

  it('keeps publish order per channel for 1,000 messages published without waiting', async () => {
    const bus = await context.bus();
    const [first, second] = [context.channel(), context.channel()];
    const [firstInbox, secondInbox] = await Promise.all([subscribeInbox(bus, first), subscribeInbox(bus, second)]);
    const sent = Array.from({ length: 1_000 }, (_, i) => `batch ${i}`);
    await Promise.all(sent.flatMap((message) => [bus.publish(first, message), bus.publish(second, `${message}'`)]));
    expect(await firstInbox.waitFor(1_000)).toEqual(sent);
    expect(await secondInbox.waitFor(1_000)).toEqual(sent.map((message) => `${message}'`));
  });

  it('carries messages between two bus instances, as between two processes', async () => {
    const [left, right] = await Promise.all([context.bus(), context.bus()]);
    const channel = context.channel();
    const [leftInbox, rightInbox] = await Promise.all([subscribeInbox(left, channel), subscribeInbox(right, channel)]);
    await Promise.all([left.publish(channel, 'from left'), right.publish(channel, 'from right')]);
    for (const inbox of [leftInbox, rightInbox]) {
      expect([...(await inbox.waitFor(2))].sort()).toEqual(['from left', 'from right']);
    }
  });
}

function describeHandlers(context: SuiteContext): void {
  it('gives every message to each of several handlers on one channel', async () => {
    const bus = await context.bus();
    const channel = context.channel();
    const inboxes = await Promise.all([1, 2, 3].map((n) => subscribeInbox(bus, channel, `handler ${n}`)));
    const sent = Array.from({ length: 20 }, (_, i) => `m${i}`);
    for (const message of sent) await bus.publish(channel, message);
    for (const inbox of inboxes) expect(await inbox.waitFor(sent.length)).toEqual(sent);
  });

  it('stops delivery to an unsubscribed handler and keeps delivering to the others', async () => {
    const bus = await context.bus();
    const channel = context.channel();
    const [gone, stays] = [new MessageInbox('gone'), new MessageInbox('stays')];
    const unsubscribeGone = await bus.subscribe(channel, gone.handler);
    const unsubscribeStays = await bus.subscribe(channel, stays.handler);
    await bus.publish(channel, 'before');
    await Promise.all([gone.waitFor(1), stays.waitFor(1)]);
    await unsubscribeGone();
    await unsubscribeGone();
    await bus.publish(channel, 'after 1');
    await bus.publish(channel, 'after 2');
    expect(await stays.waitFor(3)).toEqual(['before', 'after 1', 'after 2']);
    expect(gone.messages).toEqual(['before']);
    await unsubscribeStays();
    const later = await subscribeInbox(bus, channel, 'later');
    await bus.publish(channel, 'again');
    expect(await later.waitFor(1)).toEqual(['again']);
    expect(stays.messages).toEqual(['before', 'after 1', 'after 2']);
  });

  it('reports a throwing handler through onHandlerError and keeps delivering to the others', async () => {
    const onHandlerError = vi.fn<(error: unknown, context: HandlerErrorContext) => void>();
    const bus = await context.bus({ onHandlerError });
    const channel = context.channel();
    const failure = new Error('handler bug');
    await bus.subscribe(channel, () => {
      throw failure;
    });
    const healthy = await subscribeInbox(bus, channel);
    await bus.publish(channel, 'one');
    await bus.publish(channel, 'two');
    expect(await healthy.waitFor(2)).toEqual(['one', 'two']);
    expect(onHandlerError).toHaveBeenCalledTimes(2);
    expect(onHandlerError).toHaveBeenCalledWith(failure, { channel });
  });

  it('never calls a handler from inside publish', async () => {
    const bus = await context.bus();
    const channel = context.channel();
    let insidePublish = false;
    const seenInsidePublish: boolean[] = [];
    const inbox = new MessageInbox(channel);
    await bus.subscribe(channel, (message) => {
      seenInsidePublish.push(insidePublish);
      inbox.handler(message);
    });
    insidePublish = true;
    const publishing = bus.publish(channel, 'm');
    insidePublish = false;
    await publishing;
    await inbox.waitFor(1);
    expect(seenInsidePublish).toEqual([false]);
  });
}

function describePayloads(context: SuiteContext): void {
  it('delivers unicode, control characters and 1 MiB payloads intact', async () => {
    const [sender, receiver] = await Promise.all([context.bus(), context.bus()]);
    const channel = context.channel();
    const inbox = await subscribeInbox(receiver, channel);
    const unicode = 'héllo wörld — 日本語 ¿ 🚀 👩‍👩‍👧 \u202Eevil\u202C \u0000 \t\r\n end';
    const large = 'a€🚀\n\u0000 line!'.repeat(65_536); // 16 bytes of UTF-8, 65,536 times
    expect(Buffer.byteLength(large, 'utf8')).toBe(1024 * 1024);
    for (const message of [unicode, large, '']) await sender.publish(channel, message);
    const [gotUnicode, gotLarge, gotEmpty] = await inbox.waitFor(3);
    expect(gotUnicode).toBe(unicode);
    expect(gotLarge?.length).toBe(large.length);
    expect(sha256(gotLarge ?? '')).toBe(sha256(large));
    expect(gotEmpty).toBe('');
  });

  it('resolves a publish on a channel nobody subscribes to', async () => {
    const bus = await context.bus();
    await expect(bus.publish(context.channel(), 'into the void')).resolves.toBeUndefined();
  });
}

function describeLifecycle(context: SuiteContext): void {
  it('closes idempotently and refuses to publish or subscribe afterwards', async () => {
    const bus = await context.bus();
    const channel = context.channel();
    await bus.subscribe(channel, () => undefined);
    await Promise.all([bus.close(), bus.close()]);
    await expect(bus.close()).resolves.toBeUndefined();
    await expect(bus.publish(channel, 'late')).rejects.toMatchObject({ code: 'bus_closed' });
    await expect(bus.subscribe(channel, () => undefined)).rejects.toMatchObject({ code: 'bus_closed' });
    await expect(bus.replay(channel)).rejects.toMatchObject({ code: 'bus_closed' });
  });
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
