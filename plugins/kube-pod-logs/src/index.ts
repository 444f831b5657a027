export { kubePodLogsPlugin as default, kubePodLogsPlugin } from './plugin';
export { KubePodLogsConfigSchema, type KubePodLogsConfig } from './kube-pod-logs-config';
export { KubePodLogsSource } from './kube-pod-logs-source';
export { PodLogsSelectorSchema, type PodLogsSelector } from './pod-logs-selector';
