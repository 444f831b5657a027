// Waits for a started binary to become ready. There is no event to await from a foreign process,
// so this polls its health endpoint, and fails at once (with the log tail) if the process exits.
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { setTimeout as delay } from 'node:timers/promises';
import type { SupervisedProcess } from './supervised-process';

export interface HealthAnswer {
  readonly status: number;
  readonly body: string;
}

/** GET a URL (http or https, optionally with a CA), never throwing: network errors give status 0. */
export function probe(url: string, ca?: string): Promise<HealthAnswer> {
  return new Promise((resolve) => {
    const onResponse = (res: IncomingMessage): void => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', () => resolve({ status: 0, body }));
    };
    const req = url.startsWith('https:') ? httpsGet(url, { ca, timeout: 5_000 }, onResponse) : httpGet(url, { timeout: 5_000 }, onResponse);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (error) => resolve({ status: 0, body: error.message }));
  });
}

export async function waitForReady(proc: SupervisedProcess, isReady: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const exited = proc.whenExited().then((code) => code);
  for (;;) {
    const outcome = await Promise.race([isReady(), exited.then((code) => ({ exited: code }))]);
    if (outcome === true) return;
    if (typeof outcome === 'object') {
      throw new Error(`${proc.record.name} exited with code ${String(outcome.exited)} before it was ready:\n${proc.logTail()}`);
    }
    if (Date.now() > deadline) {
      throw new Error(`${proc.record.name} was not ready after ${timeoutMs} ms:\n${proc.logTail()}`);
    }
    await delay(250);
  }
}
