// A backlog in the gateway's one record shape, the wire's. A source's backlog is converted here,
// where it enters: its targets at once, each page as it is read (the source still reads a page
// only when the host asks for it, and stopping early still releases what its read holds).
import type { WireRecord, WireTarget } from '@tailgate/contracts';
import type { Backlog, LogRecord } from '@tailgate/plugin-sdk';

import { toWireRecord, toWireTarget } from '../model/bus-message';

export interface WireBacklog {
  /** Every target the records may come from. */
  readonly targets: readonly WireTarget[];
  /** Oldest first, as the source's pages (see Backlog.pages). */
  readonly pages: AsyncIterable<readonly WireRecord[]>;
}

export function toWireBacklog(backlog: Backlog): WireBacklog {
  return { targets: backlog.targets.map(toWireTarget), pages: wirePages(backlog.pages) };
}

async function* wirePages(pages: AsyncIterable<readonly LogRecord[]>): AsyncGenerator<readonly WireRecord[]> {
  for await (const page of pages) yield page.map(toWireRecord);
}
