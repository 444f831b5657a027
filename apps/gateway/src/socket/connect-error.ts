// The one way a refused Socket.IO connection is answered: an Error whose `data` (what the client
// receives in `connect_error`) is built from the contract's two fields, never passed through.
import type { ConnectErrorData } from '@tailgate/contracts';

export function connectError(data: ConnectErrorData): Error {
  return Object.assign(new Error(data.code), { data: { code: data.code, message: data.message } });
}
