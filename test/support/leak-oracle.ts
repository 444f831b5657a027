// The leak oracle every test client runs on everything the server sends it: each event and
// acknowledgement must parse strictly against the contract (an unknown key anywhere fails), and
// must carry nothing of a target the listener may not read — no record of it, no `target`, `gap`
// or `hidden` naming it, and none of its secrets (its lines, cursors) anywhere in any string.
import {
  ACK_SCHEMAS,
  ConnectErrorDataSchema,
  SERVER_EVENT_SCHEMAS,
  type WireRecord,
  type WireTarget,
  wireTarget,
} from '@tailgate/contracts';

/** What one test listener may see, stated by the test from its own world. */
export interface Visibility {
  mayRead(target: WireTarget): boolean;
  /** Strings that belong only to targets it may not read (their lines, cursors); checked in every payload. */
  secrets?(): Iterable<string>;
}

/** A listener that may read everything the test writes (one user, or an allow-all policy). */
export const SEES_EVERYTHING: Visibility = { mayRead: () => true };

export function seesTargets(mayRead: (target: WireTarget) => boolean, secrets?: () => Iterable<string>): Visibility {
  return secrets ? { mayRead, secrets } : { mayRead };
}

/** A listener that may read exactly these pods (`<ns>/<pod>`, or a bare pod name). */
export function seesPods(pods: readonly string[], secrets?: () => Iterable<string>): Visibility {
  const allowed = new Set(pods);
  return seesTargets((t) => allowed.has(`${t.ns}/${t.pod}`) || allowed.has(t.pod), secrets);
}

export type ServerEventName = keyof typeof SERVER_EVENT_SCHEMAS;
export type AckedRequest = keyof typeof ACK_SCHEMAS;

const describe = (target: WireTarget): string => `${target.ns}/${target.pod}/${target.container}`;

/** Undefined when the event is clean; otherwise what is wrong with it. */
export function checkServerEvent(event: string, payload: unknown, visibility: Visibility): string | undefined {
  const schema = (SERVER_EVENT_SCHEMAS as Record<string, (typeof SERVER_EVENT_SCHEMAS)[ServerEventName]>)[event];
  if (!schema) return `unknown server event "${event}"`;
  const parsed = schema.safeParse(payload);
  if (!parsed.success) return `event "${event}" does not match the contract: ${parsed.error.message}`;
  for (const target of targetsIn(event, parsed.data)) {
    if (!visibility.mayRead(target)) return `event "${event}" carries ${describe(target)}, which this listener may not read`;
  }
  return secretIn(`event "${event}"`, payload, visibility);
}

export function checkAck(request: AckedRequest, ack: unknown, visibility: Visibility): string | undefined {
  const parsed = ACK_SCHEMAS[request].safeParse(ack);
  if (!parsed.success) return `the ${request} acknowledgement does not match the contract: ${parsed.error.message}`;
  return secretIn(`the ${request} acknowledgement`, ack, visibility);
}

export function checkConnectError(data: unknown, visibility: Visibility): string | undefined {
  const parsed = ConnectErrorDataSchema.safeParse(data);
  if (!parsed.success) return `connect_error data does not match the contract: ${parsed.error.message}`;
  return secretIn('connect_error', data, visibility);
}

/** Targets an event says the listener may read (a `denied` one is, by definition, not one of them). */
function targetsIn(event: string, data: unknown): WireTarget[] {
  const value = data as { batch?: WireRecord[]; target?: WireTarget; missed?: { target: WireTarget }[] };
  if (event === 'records') return (value.batch ?? []).map(wireTarget);
  if (event === 'target' && value.target) return [value.target];
  if (event === 'gap') return (value.missed ?? []).map(({ target }) => target);
  return [];
}

function secretIn(what: string, payload: unknown, visibility: Visibility): string | undefined {
  if (!visibility.secrets) return undefined;
  const text = JSON.stringify(payload);
  for (const secret of visibility.secrets()) {
    if (secret.length > 0 && text.includes(secret))
      return `${what} carries "${secret}", which belongs to a target this listener may not read`;
  }
  return undefined;
}
