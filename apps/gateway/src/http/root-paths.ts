// The paths that stay at the root whatever `server.basePath` is: probes and Prometheus talk to
// the pod, not through the reverse proxy. Nothing else (not the web UI's deep links) may take them.
export const ROOT_PATHS = ['healthz', 'readyz', 'metrics'] as const;
