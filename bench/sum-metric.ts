// A gateway's metric read in its own process, summed over its series.
import type { RunningGateway } from '../apps/gateway/src/start-gateway';

/** A gateway's counter or gauge summed over its series, or over those whose `label[0]` is `label[1]`. */
export async function sumMetric(gateway: RunningGateway, name: string, label?: readonly [string, string]): Promise<number> {
  const values = (await gateway.metrics.registry.getSingleMetric(name)?.get())?.values ?? [];
  return values.filter((v) => label === undefined || v.labels[label[0]] === label[1]).reduce((sum, v) => sum + v.value, 0);
}
