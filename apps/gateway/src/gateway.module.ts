// The gateway's NestJS module: the transport classes (the /logs gateway, the health, audit query and web UI API
// controllers) and the parts they are given, all built by the composition root (start-gateway.ts).
import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';

import { ConnectionAdmission } from './connections/connection-admission';
import { ApiController } from './http/api.controller';
import { AuditEventsController } from './http/audit-events.controller';
import { AuditQuery } from './http/audit-query';
import { DesktopSession } from './http/desktop-session';
import { GatewayHealth } from './http/gateway-health';
import { HealthController } from './http/health.controller';
import { ReadableScope } from './http/readable-scope';
import { GATEWAY_LOGGER } from './logging/gateway-logger';
import { GatewayMetrics } from './metrics/gateway-metrics';
import { LogsGateway } from './socket/logs.gateway';
import { SocketSettings } from './socket/socket-settings';
import { SubscriptionService } from './streams/subscription.service';

export interface TransportParts {
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  readonly health: GatewayHealth;
  readonly admission: ConnectionAdmission;
  readonly subscriptions: SubscriptionService;
  readonly socketSettings: SocketSettings;
  readonly auditQuery: AuditQuery;
  readonly readableScope: ReadableScope;
  readonly desktopSession: DesktopSession;
}

@Module({})
export class GatewayModule {
  static forRoot(parts: TransportParts): DynamicModule {
    return {
      module: GatewayModule,
      controllers: [HealthController, AuditEventsController, ApiController],
      providers: [
        { provide: GATEWAY_LOGGER, useValue: parts.logger },
        { provide: GatewayMetrics, useValue: parts.metrics },
        { provide: GatewayHealth, useValue: parts.health },
        { provide: ConnectionAdmission, useValue: parts.admission },
        { provide: SubscriptionService, useValue: parts.subscriptions },
        { provide: SocketSettings, useValue: parts.socketSettings },
        { provide: AuditQuery, useValue: parts.auditQuery },
        { provide: ReadableScope, useValue: parts.readableScope },
        { provide: DesktopSession, useValue: parts.desktopSession },
        LogsGateway,
      ],
    };
  }
}
