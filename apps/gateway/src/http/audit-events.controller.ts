// The HTTP face of AuditQuery: GET /audit/events on the gateway's port.
import { Controller, Get, Headers, Inject, Query, Res } from '@nestjs/common';

import { AuditQuery } from './audit-query';

/** The part of Express's response this controller uses. */
interface JsonResponse {
  status(code: number): { json(body: unknown): void };
  setHeader(name: string, value: string): void;
}

@Controller('audit')
export class AuditEventsController {
  constructor(@Inject(AuditQuery) private readonly query: AuditQuery) {}

  @Get('events')
  async events(
    @Headers('authorization') authorization: string | undefined,
    @Query() params: unknown,
    @Res() response: JsonResponse,
  ): Promise<void> {
    const answer = await this.query.answer(authorization, params);
    if (answer.code === 401) response.setHeader('WWW-Authenticate', 'Bearer');
    response.setHeader('Cache-Control', 'no-store');
    response.status(answer.code).json(answer.body);
  }
}
