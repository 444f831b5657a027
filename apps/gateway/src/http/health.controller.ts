// Liveness, readiness and Prometheus metrics over plain HTTP.
import { Controller, Get, Header, HttpCode, Inject, Res } from '@nestjs/common';

import { GATEWAY_RUNTIME } from '../gateway.tokens';
import type { GatewayRuntime } from '../gateway-runtime';
import { GatewayMetrics } from '../metrics/gateway-metrics';

/** The part of Express's response this controller uses. */
interface JsonResponse {
  status(code: number): { json(body: unknown): void };
}

@Controller()
export class HealthController {
  constructor(
    @Inject(GatewayMetrics) private readonly metrics: GatewayMetrics,
    @Inject(GATEWAY_RUNTIME) private readonly runtime: GatewayRuntime,
  ) {}

  @Get('healthz')
  @HttpCode(200)
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  readyz(@Res() response: JsonResponse): void {
    const ready = this.runtime.state.ready && this.runtime.state.bus === 'up';
    response.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', bus: this.runtime.state.bus });
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async metricsText(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
