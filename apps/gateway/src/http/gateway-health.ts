// What /readyz reports: ready between listening and the start of shutdown, and only while the bus
// is connected (a replica that cannot reach Redis takes no new clients).
export class GatewayHealth {
  ready = false;
  bus: 'up' | 'down' = 'up';

  get serving(): boolean {
    return this.ready && this.bus === 'up';
  }
}
