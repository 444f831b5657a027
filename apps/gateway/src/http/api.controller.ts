// The HTTP API of the web UI, under `<basePath>/api/v1`: the readable scope for the picker and,
// in desktop mode, the sign-in session. JSON answers, never cached, never sniffed.
import type { IncomingMessage } from 'node:http';

import { All, Controller, Get, Headers, Inject, Param, Req, Res } from '@nestjs/common';

import { type ApiAnswer, type ApiNoContent, apiRefusal, type ApiResponse } from './api-answer';
import { DesktopSession } from './desktop-session';
import { ReadableScope } from './readable-scope';
import { API_HEADERS } from './security-headers';

@Controller('api/v1')
export class ApiController {
  constructor(
    @Inject(ReadableScope) private readonly scope: ReadableScope,
    @Inject(DesktopSession) private readonly session: DesktopSession,
  ) {}

  @Get('sources/:sourceId/scope')
  async readableScope(
    @Headers('authorization') authorization: string | undefined,
    @Param('sourceId') sourceId: string,
    @Res() response: ApiResponse,
  ): Promise<void> {
    send(response, await this.scope.answer(authorization, sourceId));
  }

  @Get('session')
  desktopSession(@Req() request: IncomingMessage, @Res() response: ApiResponse): void {
    const { headers, socket } = request;
    const secFetchSite = headers['sec-fetch-site'];
    send(
      response,
      this.session.answer({
        host: headers.host,
        origin: headers.origin,
        secFetchSite: Array.isArray(secFetchSite) ? secFetchSite.join(',') : secFetchSite,
        port: socket.localPort ?? 0,
      }),
    );
  }

  /** Declared last: any other path or method under the API is `not_found`, in the API's own shape. */
  @All('*path')
  unknown(@Res() response: ApiResponse): void {
    send(response, apiRefusal('not_found', 'no such API endpoint'));
  }
}

function send(response: ApiResponse, answer: ApiAnswer<unknown> | ApiNoContent): void {
  for (const [name, value] of Object.entries(API_HEADERS)) response.setHeader(name, value);
  if (answer.status === 401) response.setHeader('WWW-Authenticate', 'Bearer');
  if ('body' in answer) response.status(answer.status).json(answer.body);
  else response.status(answer.status).end();
}
