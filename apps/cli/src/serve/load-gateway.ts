// The gateway library (NestJS, the bundled plugins), loaded when a command first starts a gateway:
// `tailgate logs --server …` and `tailgate rbac` never pay for it. reflect-metadata comes first,
// before any decorated class is defined.
import type * as Gateway from '@tailgate/gateway';

export type GatewayLibrary = typeof Gateway;

export async function loadGateway(): Promise<GatewayLibrary> {
  await import('reflect-metadata');
  return import('@tailgate/gateway');
}
