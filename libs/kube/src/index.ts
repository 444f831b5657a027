export * from './kube-api';
export { createKubeServices, KubeConfigSchema, type KubeConfig, type KubeServices } from './kube-config';
export { KubeConnectionSchema, openKubeEndpoint, type KubeConnection, type KubeEndpoint } from './kube-connection';
export { errorForNetwork, errorForStatus, ResourceVersionExpiredError } from './kube-errors';
export { delay, runListWatch, type ListWatchOptions, type ListWatchSink, type ListWatchTransport, type WatchedObject } from './list-watch';
export { type JsonPatchOperation, KubeHttp, type KubeHttpOptions, type KubeStreamResponse } from './kube-http';
export { HttpKubeApi } from './http-kube-api';
export { KubePodMetadata, type KubePodMetadataOptions, type PodChange } from './kube-pod-metadata';
export { contextNamespace } from './context-namespace';
export { createKubeSelfApi, HttpKubeSelfApi } from './http-kube-self-api';
export { kubeSelfServiceRef, type KubeSelfApi, type SelfUser } from './kube-self-api';
export { grantsPodLogRead, isNothing, readablePodsFromRules, type ReadablePods } from './log-read-rules';
export {
  discoverReadableScope,
  type DiscoverReadableScopeOptions,
  type ReadableNamespace,
  type ReadableScope,
  type ReadableScopeApi,
} from './readable-scope';
export { askReview, decide, describeResource, eventListAttempts, podLogReview, reviewSpec, type PodLogReview } from './log-access-review';
export { accessChangeOfPod, type AccessChange } from './access-change';
export { ACCESS_WATCH_RULES, AccessObjectsWatch, type AccessObjectsWatchOptions, serviceAccountUser } from './access-objects-watch';
export { RequestSlots } from './request-slots';
