// `since` of a subscribe request as a point in time: an RFC 3339 date-time with a zone, or a
// duration back from now (`30s`, `5m`, `2h`). The request schema already refused anything else.
import { readSince } from '@tailgate/contracts';

import { RequestError } from '../model/request-error';

export function parseSince(since: string, now: number = Date.now()): Date {
  const value = readSince(since);
  if (!value) throw new RequestError('invalid_request', 'expected an RFC 3339 date-time with a zone, or a duration such as 5m');
  return new Date(value.kind === 'duration' ? now - value.ms : value.at);
}
