// Reads one selector's node logs in the two shapes Node Log Query answers: journal entries (for
// services) with cursors that match across reads, or a whole file (a file query, or services that
// have no journal and resolve to files under /var/log, which the kubelet only serves without options).
import type { PluginLogger } from '@tailgate/plugin-sdk';

import { type JournalAnswer, type JournalLine, parseJournalAnswer } from './journal-answer';
import { type CursoredLine, withCursors } from './journal-follower';
import type { NodeLogClient } from './node-log-client';
import type { NodeLogRequest } from './node-log-request';
import { isFileQuery, type NodeLogSelector } from './node-log-selector';

export type JournalRead =
  | { readonly kind: 'journal'; readonly lines: readonly CursoredLine[] }
  /** No journal for these services: the kubelet would serve their files, but only without options. */
  | { readonly kind: 'files' };

/** RFC 3339 of the whole second that `epochMs` falls in. */
export function secondOf(epochMs: number): string {
  return `${new Date(Math.floor(epochMs / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

export class NodeLogReader {
  constructor(
    private readonly client: NodeLogClient,
    private readonly selector: NodeLogSelector,
    private readonly logger: PluginLogger,
  ) {}

  /** A read of the selector's services; tail reads are primed so their cursors match any other read. */
  async journal(request: NodeLogRequest, signal: AbortSignal): Promise<JournalRead> {
    const answer = await this.parse(request, signal);
    if (answer.resolvedToFiles && answer.entries === 0) return { kind: 'files' };
    const first = answer.lines[0];
    const cutByTail = request.tailLines !== undefined && first !== undefined && answer.entries >= request.tailLines;
    const primed = cutByTail ? await this.linesBefore(first, answer, request, signal) : 0;
    return { kind: 'journal', lines: withCursors(answer.lines, primed) };
  }

  /** The file (or the services' files) as the kubelet serves it: whole, without options. */
  async snapshot(signal: AbortSignal): Promise<string[]> {
    const lines = await this.client.query(this.selector.node, { query: this.selector.query }, signal);
    if (isFileQuery(this.selector)) return lines;
    // Services resolved to files: the kubelet separates them with blank lines and notes missing ones.
    return lines.filter((line) => line !== '' && !line.startsWith('log not found for '));
  }

  /**
   * A tail read can start inside a group of lines of one microsecond: how many of that group came
   * before it, counted in a read from the group's whole second.
   */
  private async linesBefore(first: JournalLine, answer: JournalAnswer, request: NodeLogRequest, signal: AbortSignal): Promise<number> {
    const sinceTime = secondOf(Number(first.epochNanos.slice(0, 11)) * 1000);
    const whole = await this.parse({ ...request, tailLines: undefined, sinceTime }, signal);
    const inGroup = (lines: readonly JournalLine[]) => lines.filter((line) => line.epochNanos === first.epochNanos).length;
    return Math.max(0, inGroup(whole.lines) - inGroup(answer.lines));
  }

  private async parse(request: NodeLogRequest, signal: AbortSignal): Promise<JournalAnswer> {
    const readAt = Date.now();
    const text = await this.client.query(this.selector.node, request, signal);
    const notBefore = request.sinceTime === undefined ? undefined : Date.parse(request.sinceTime);
    const answer = parseJournalAnswer(text, {
      notBefore,
      notAfter: request.untilTime === undefined ? readAt : Date.parse(request.untilTime),
    });
    if (answer.unrecognised > 0) {
      this.logger.debug({ node: this.selector.node, lines: answer.unrecognised }, 'node log answer held lines that are no journal entries');
    }
    return answer;
  }
}
