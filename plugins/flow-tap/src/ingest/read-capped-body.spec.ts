import { describe, expect, it } from 'vitest';

import { ingestRequest } from '../../../../test/fixtures/flow-tap/ingest-request';
import { readCappedBody } from './read-capped-body';

describe('readCappedBody', () => {
  it('returns the whole body when it fits, exactly at the cap too', async () => {
    const body = Buffer.alloc(4096, 'a');
    const read = await readCappedBody(ingestRequest(body, {}, 1000), 4096);
    expect(read).toEqual({ ok: true, bytes: body });
  });

  it('stops reading at the chunk that passes the cap', async () => {
    const request = ingestRequest(Buffer.alloc(1024 * 1024), {}, 1000);
    const read = await readCappedBody(request, 4096);
    expect(read).toEqual({ ok: false, readBytes: 5000 });
    expect(request.pulledBytes()).toBe(5000);
  });

  it('refuses a declared content-length above the cap without reading anything', async () => {
    const request = ingestRequest(Buffer.alloc(8192), { 'content-length': '8192' });
    expect(await readCappedBody(request, 4096)).toEqual({ ok: false, readBytes: 0 });
    expect(request.pulledBytes()).toBe(0);
  });

  it('does not trust a small content-length: the bytes read are counted', async () => {
    const request = ingestRequest(Buffer.alloc(8192), { 'content-length': '10' }, 1024);
    expect(await readCappedBody(request, 4096)).toEqual({ ok: false, readBytes: 5120 });
  });

  it('rejects when the request is aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('client gone'));
    const request = { ...ingestRequest('{}'), signal: controller.signal };
    await expect(readCappedBody(request, 4096)).rejects.toThrow('client gone');
  });
});
