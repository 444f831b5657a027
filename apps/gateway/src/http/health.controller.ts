// Liveness, readiness and Prometheus metrics over plain HTTP.
import { Controller, Get, Header, HttpCode, Inject, Res } from '@nestjs/common';

import { GatewayMetrics } from '../metrics/gateway-metrics';
import { GatewayHealth } from './gateway-health';

/** The part of Express's response this controller uses. */
interface JsonResponse {
  status(code: number): { json(body: unknown): void };
}

@Controller()
export class HealthController {
  constructor(
    @Inject(GatewayMetrics) private readonly metrics: GatewayMetrics,
    @Inject(GatewayHealth) private readonly health: GatewayHealth,
  ) {}

  @Get('healthz')
  @HttpCode(200)
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  readyz(@Res() response: JsonResponse): void {
    const ready = this.health.serving;
    response.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', bus: this.health.bus });
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async metricsText(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
