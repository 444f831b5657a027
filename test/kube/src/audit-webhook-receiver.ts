// A webhook backend for audit tests, as the apiserver's webhook sink would post to it: every body
// as received, each EventList's items in arrival order, and waits that resolve on a POST, not a timer.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { AuditEvent, AuditEventList } from '@tailgate/audit';

export interface AuditWebhookReceiver {
  readonly url: string;
  /** Every request body, raw, in arrival order. */
  readonly bodies: readonly string[];
  /** The `kind`/`apiVersion` of every body, to check they were all EventLists. */
  readonly kinds: readonly string[];
  /** The EventLists' items (no `kind`/`apiVersion`, as the apiserver sends them). */
  readonly items: readonly AuditEvent[];
  /** Resolves once `predicate` holds after some POST; rejects with `what` after `timeoutMs`. */
  waitFor(predicate: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startAuditWebhookReceiver(): Promise<AuditWebhookReceiver> {
  const bodies: string[] = [];
  const kinds: string[] = [];
  const items: AuditEvent[] = [];
  const waiters = new Set<() => void>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      bodies.push(body);
      const list = JSON.parse(body) as Partial<AuditEventList>;
      kinds.push(`${list.apiVersion}/${list.kind}`);
      items.push(...(list.items ?? []));
      response.writeHead(200).end();
      for (const check of [...waiters]) check();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const waitFor = (predicate: () => boolean, what: string, timeoutMs = 5_000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`audit webhook: timed out waiting for ${what} (${items.length} events received)`));
      }, timeoutMs);
      const check = () => {
        if (!predicate()) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      waiters.add(check);
      check();
    });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/audit`,
    bodies,
    kinds,
    items,
    waitFor,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
