// Liveness, readiness and Prometheus metrics over plain HTTP, always at the root whatever
// `server.basePath` is: probes and Prometheus talk to the pod, not through the reverse proxy.
import { Controller, Get, Header, HttpCode, Inject, Res } from '@nestjs/common';

import { GatewayMetrics } from '../metrics/gateway-metrics';
import { GatewayHealth } from './gateway-health';
import { ROOT_PATHS } from './root-paths';

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

  @Get(ROOT_PATHS[0])
  @HttpCode(200)
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get(ROOT_PATHS[1])
  readyz(@Res() response: JsonResponse): void {
    const ready = this.health.serving;
    response.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', bus: this.health.bus });
  }

  @Get(ROOT_PATHS[2])
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async metricsText(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
