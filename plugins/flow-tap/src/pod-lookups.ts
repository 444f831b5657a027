// Looks up the distinct pods of one message in the authoritative pod metadata, a few at a time:
// a body of 50,000 records from 5,000 pods costs 5,000 lookups with at most `concurrency` of them
// pending, never one per record and never all at once.
import type { PodMetadata, PodMetadataService } from '@tailgate/plugin-sdk';

/** The pod metadata service threw: the pod is neither known nor unknown. */
export const LOOKUP_FAILED = Symbol('lookup failed');

export type PodLookup = PodMetadata | undefined | typeof LOOKUP_FAILED;

export function podKey(namespace: string, pod: string): string {
  return `${namespace}/${pod}`;
}

/** Every pod of `wanted` (by podKey) mapped to what the service says of it. */
export async function lookupPods(
  pods: PodMetadataService,
  wanted: ReadonlyMap<string, { readonly namespace: string; readonly pod: string }>,
  concurrency: number,
): Promise<Map<string, PodLookup>> {
  const answers = new Map<string, PodLookup>();
  const queue = [...wanted];
  const worker = async (): Promise<void> => {
    for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
      const [key, { namespace, pod }] = next;
      try {
        answers.set(key, await pods.get(namespace, pod));
      } catch {
        answers.set(key, LOOKUP_FAILED);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
  return answers;
}
