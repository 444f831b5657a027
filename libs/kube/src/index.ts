export * from './kube-api';
export { createKubeServices, KubeConfigSchema, type KubeConfig, type KubeServices } from './kube-config';
export { KubeConnectionSchema, openKubeEndpoint, type KubeConnection, type KubeEndpoint } from './kube-connection';
export { errorForNetwork, errorForStatus, ResourceVersionExpiredError } from './kube-errors';
export { KubeHttp, type KubeHttpOptions } from './kube-http';
export { HttpKubeApi } from './http-kube-api';
export { KubePodMetadata, type KubePodMetadataOptions, type PodChange } from './kube-pod-metadata';
