import { describe, expect, it } from 'vitest';

import { CliError } from '../cli-error';
import { listenError } from './listen-error';

const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`listen ${code}`), { code });

describe('listenError', () => {
  it('names the address and the reason when the port is taken or the address is not ours', () => {
    const inUse = listenError(errno('EADDRINUSE'), '127.0.0.1', 8080);
    expect(inUse).toBeInstanceOf(CliError);
    expect((inUse as CliError).message).toBe('serve: 127.0.0.1:8080 is in use (EADDRINUSE); choose another --port or --host');
    expect((listenError(errno('EADDRNOTAVAIL'), '10.9.9.9', 0) as CliError).message).toContain('not an address of this machine');
  });

  it('passes other errors through', () => {
    const other = new TypeError('x');
    expect(listenError(other, '127.0.0.1', 1)).toBe(other);
    expect(listenError(errno('ECONNREFUSED'), '127.0.0.1', 1)).toBeInstanceOf(Error);
    expect(listenError(errno('ECONNREFUSED'), '127.0.0.1', 1)).not.toBeInstanceOf(CliError);
  });
});
