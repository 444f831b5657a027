// Pod metadata from a JSON file (the demo's "cluster"): re-read on an interval, so label changes
// take effect like a watch would deliver them. Malformed files keep the last good content.
// Each pod may also name its workload and containers (for the web UI's picker).
import { readFile } from 'node:fs/promises';

import type { PluginLogger, PodMetadata, PodMetadataService } from '@tailgate/plugin-sdk';
import { z } from 'zod';

const PodListSchema = z.array(
  z.strictObject({
    namespace: z.string().min(1),
    name: z.string().min(1),
    uid: z.string().optional(),
    node: z.string().optional(),
    labels: z.record(z.string(), z.string()).default({}),
    workload: z.strictObject({ kind: z.string().min(1), name: z.string().min(1) }).optional(),
    containers: z.array(z.string().min(1)).optional(),
  }),
);

export class FilePodMetadata implements PodMetadataService {
  private pods = new Map<string, PodMetadata>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly path: string,
    private readonly reloadIntervalMs: number,
    private readonly logger: PluginLogger,
  ) {}

  async start(): Promise<void> {
    await this.reload();
    this.timer = setInterval(() => void this.reload(), this.reloadIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  get(namespace: string, pod: string): Promise<PodMetadata | undefined> {
    return Promise.resolve(this.pods.get(`${namespace}/${pod}`));
  }

  list(): Promise<readonly PodMetadata[]> {
    return Promise.resolve([...this.pods.values()]);
  }

  private async reload(): Promise<void> {
    let parsed: z.ZodSafeParseResult<z.output<typeof PodListSchema>>;
    try {
      parsed = PodListSchema.safeParse(JSON.parse(await readFile(this.path, 'utf8')));
    } catch (error) {
      this.logger.warn({ path: this.path, err: (error as NodeJS.ErrnoException).code ?? 'invalid JSON' }, 'pod metadata file unreadable');
      return;
    }
    if (!parsed.success) {
      this.logger.warn({ path: this.path }, 'pod metadata file does not match the expected shape');
      return;
    }
    this.pods = new Map(parsed.data.map((pod) => [`${pod.namespace}/${pod.name}`, pod]));
  }
}
