{{/*
Names, labels, the shared pod parts and the checks every render runs first. One image runs every
component; `args` picks the role (gateway, agent, worker) through tailgate-entrypoint.
*/}}

{{- define "tailgate.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The release's base name: the release name when it already says tailgate, else <release>-tailgate. */}}
{{- define "tailgate.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* <fullname>-<component>, e.g. tailgate-gateway. Call with (list $ "gateway"). */}}
{{- define "tailgate.componentName" -}}
{{- printf "%s-%s" (include "tailgate.fullname" (index . 0)) (index . 1) -}}
{{- end -}}

{{- define "tailgate.selectorLabels" -}}
{{- $ := index . 0 -}}
app.kubernetes.io/name: {{ include "tailgate.name" $ }}
app.kubernetes.io/instance: {{ $.Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{/* Labels of every object; call with (list $ "<component>"). */}}
{{- define "tailgate.labels" -}}
{{- $ := index . 0 -}}
helm.sh/chart: {{ printf "%s-%s" $.Chart.Name $.Chart.Version | replace "+" "_" }}
{{ include "tailgate.selectorLabels" . }}
app.kubernetes.io/part-of: tailgate
app.kubernetes.io/version: {{ $.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ $.Release.Service }}
{{- with $.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "tailgate.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* True (non-empty) when the gateways share a Redis: external, cluster or the trial one. */}}
{{- define "tailgate.hasRedis" -}}
{{- if or .Values.redis.url .Values.redis.existingSecret .Values.redis.trial.enabled -}}true{{- end -}}
{{- end -}}

{{/* The gateways as the agents reach them: the Service, with config.server.basePath. */}}
{{- define "tailgate.gatewayUrl" -}}
{{- $basePath := dig "server" "basePath" "/" .Values.config -}}
{{- printf "http://%s.%s.svc:%v%s" (include "tailgate.componentName" (list . "gateway")) .Release.Namespace .Values.gateway.service.port (ternary "" $basePath (eq $basePath "/")) -}}
{{- end -}}

{{- define "tailgate.agentServiceAccount" -}}
{{- default (include "tailgate.componentName" (list . "agent")) .Values.agent.serviceAccount.name -}}
{{- end -}}

{{/* Audience of the agents' projected tokens, as the gateways' agent-pod-logs expects it. */}}
{{- define "tailgate.agentAudience" -}}
{{- dig "plugins" "agent-pod-logs" "agentAuthentication" "audience" "tailgate-agent" .Values.config -}}
{{- end -}}

{{/* The Secret and key holding the Redis URL (the chart's own, or redis.existingSecret). */}}
{{- define "tailgate.redisSecretName" -}}
{{- default (include "tailgate.componentName" (list . "redis-url")) .Values.redis.existingSecret -}}
{{- end -}}

{{/* REDIS_URL and, for Redis Cluster, the cluster switch and seeds: for the gateway and the worker. */}}
{{- define "tailgate.redisEnv" -}}
{{- if include "tailgate.hasRedis" . }}
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "tailgate.redisSecretName" . }}
      key: {{ .Values.redis.existingSecretKey }}
{{- end }}
{{- if .Values.redis.cluster }}
- name: TAILGATE__REDIS__CLUSTER
  value: "true"
{{- if .Values.redis.clusterNodes }}
- name: TAILGATE__REDIS__CLUSTER_NODES
  valueFrom:
    secretKeyRef:
      name: {{ include "tailgate.componentName" (list . "redis-url") }}
      key: cluster-nodes
{{- end }}
{{- end }}
{{- end -}}

{{/* Environment from the secrets values (secrets.env / secrets.existingEnvSecret). */}}
{{- define "tailgate.secretEnvFrom" -}}
{{- if .Values.secrets.env }}
- secretRef:
    name: {{ include "tailgate.componentName" (list . "env") }}
{{- end }}
{{- if .Values.secrets.existingEnvSecret }}
- secretRef:
    name: {{ .Values.secrets.existingEnvSecret }}
{{- end }}
{{- end -}}

{{/*
The keys of the files Secret the worker reads: the audit webhook's token and CA, when they lie
under /etc/tailgate/secrets (the worker delivers the webhook). Comma-separated, empty for none.
Everything else there — the agents' session secret, static tokens — is the gateway's only.
*/}}
{{- define "tailgate.workerSecretKeys" -}}
{{- $keys := list -}}
{{- range $file := list (dig "audit" "webhook" "bearerTokenFile" "" .Values.config) (dig "audit" "webhook" "caFile" "" .Values.config) -}}
{{- if hasPrefix "/etc/tailgate/secrets/" $file -}}
{{- $keys = append $keys (trimPrefix "/etc/tailgate/secrets/" $file) -}}
{{- end -}}
{{- end -}}
{{- join "," $keys -}}
{{- end -}}

{{/* True (non-empty) when the component mounts the files Secret: the gateway whenever there is one, the worker when it reads a key of it. Call with (list $ "<component>"). */}}
{{- define "tailgate.mountsSecretFiles" -}}
{{- $ := index . 0 -}}
{{- if and (or $.Values.secrets.files $.Values.secrets.existingFilesSecret) (or (ne (index . 1) "worker") (include "tailgate.workerSecretKeys" $)) -}}true{{- end -}}
{{- end -}}

{{/* The config, secret-file and /tmp volumes of the gateway and the worker; call with (list $ "<component>"). */}}
{{- define "tailgate.configVolumes" -}}
{{- $ := index . 0 -}}
- name: config
  configMap:
    name: {{ include "tailgate.componentName" (list $ "config") }}
{{- if include "tailgate.mountsSecretFiles" . }}
- name: secret-files
  secret:
    secretName: {{ default (include "tailgate.componentName" (list $ "files")) $.Values.secrets.existingFilesSecret }}
    # 0440 (decimal: YAML readers disagree on leading-zero octals).
    defaultMode: 288
    {{- if eq (index . 1) "worker" }}
    items:
      {{- range splitList "," (include "tailgate.workerSecretKeys" $) }}
      - key: {{ . | quote }}
        path: {{ . | quote }}
      {{- end }}
    {{- end }}
{{- end }}
- name: tmp
  emptyDir:
    sizeLimit: {{ $.Values.tmpSizeLimit }}
{{- end -}}

{{- define "tailgate.configVolumeMounts" -}}
- name: config
  mountPath: /etc/tailgate/config
  readOnly: true
{{- if include "tailgate.mountsSecretFiles" . }}
- name: secret-files
  mountPath: /etc/tailgate/secrets
  readOnly: true
{{- end }}
- name: tmp
  mountPath: /tmp
{{- end -}}

{{/*
The rules of a component's ClusterRole: the generated files (files/rbac/, written by
`npm run k8s:rbac` from the plugins' own declarations) of every plugin its config enables, the
host's pod reads for `podMetadata: kubernetes`, then rbac.extraRules.<component>. Never written by
hand; apps/gateway/src/k8s/component-rbac.spec.ts holds this selection to the generator.
Call with (list $ "gateway"); renders a YAML list, empty when nothing is needed.
*/}}
{{- define "tailgate.rbacRules" -}}
{{- $ := index . 0 -}}
{{- $component := index . 1 -}}
{{- $rules := list -}}
{{- range $id, $_ := ($.Values.config.plugins | default dict) -}}
{{- $file := $.Files.Get (printf "files/rbac/%s-%s.json" $component $id) -}}
{{- if $file -}}
{{- $rules = concat $rules (fromJsonArray $file) -}}
{{- end -}}
{{- end -}}
{{- if and (eq $component "gateway") (eq (dig "podMetadata" "kind" "none" $.Values.config) "kubernetes") -}}
{{- $rules = concat $rules (fromJsonArray ($.Files.Get "files/rbac/gateway-host-pod-metadata.json")) -}}
{{- end -}}
{{- $rules = concat $rules (get $.Values.rbac.extraRules $component | default list) -}}
{{- if $rules -}}
{{- toYaml (uniq $rules) -}}
{{- end -}}
{{- end -}}

{{/*
Checks run before anything renders: combinations that would deploy something that cannot work.
*/}}
{{- define "tailgate.validate" -}}
{{- $redis := include "tailgate.hasRedis" . -}}
{{- if and (not $redis) (or (gt (int .Values.gateway.replicas) 1) .Values.gateway.autoscaling.enabled) -}}
{{- fail "gateway.replicas > 1 and gateway.autoscaling need Redis (redis.url, redis.existingSecret or redis.trial.enabled): without it each replica runs its own streams" -}}
{{- end -}}
{{- if and .Values.agent.enabled (not $redis) -}}
{{- fail "agent.enabled needs Redis: the agents serve the gateways over the Redis bus (or run the agent in the gateway: config.plugins.agent-pod-logs.embedded)" -}}
{{- end -}}
{{- if and .Values.agent.enabled .Values.redis.cluster -}}
{{- fail "agent.enabled with redis.cluster: the node agent connects to one Redis node only (apps/agent), not to a Redis Cluster" -}}
{{- end -}}
{{- if and .Values.worker.enabled (not $redis) -}}
{{- fail "worker.enabled needs Redis: without it the gateway runs the jobs itself (apps/worker refuses to start without redis.url)" -}}
{{- end -}}
{{- if and $redis (not .Values.worker.enabled) (or (hasKey (.Values.config.plugins | default dict) "flow-tap") (dig "audit" "webhook" "" .Values.config)) -}}
{{- fail "with Redis, flow-tap reconciles and audit webhook deliveries are jobs only the worker runs: set worker.enabled" -}}
{{- end -}}
{{- if and .Values.redis.trial.enabled (or .Values.redis.url .Values.redis.existingSecret .Values.redis.cluster) -}}
{{- fail "redis.trial.enabled runs a Redis of its own: leave redis.url, redis.existingSecret and redis.cluster unset" -}}
{{- end -}}
{{- if and .Values.redis.url .Values.redis.existingSecret -}}
{{- fail "set redis.url or redis.existingSecret, not both" -}}
{{- end -}}
{{- if and .Values.redis.clusterNodes (not .Values.redis.cluster) -}}
{{- fail "redis.clusterNodes needs redis.cluster: true" -}}
{{- end -}}
{{- if and .Values.redis.clusterNodes .Values.redis.existingSecret -}}
{{- fail "redis.clusterNodes goes into the chart's Secret: with redis.existingSecret, put the seeds in its URL or in secrets.existingEnvSecret (TAILGATE__REDIS__CLUSTER_NODES)" -}}
{{- end -}}
{{- if dig "redis" "url" "" .Values.config -}}
{{- fail "config.redis.url would put a Redis password in a ConfigMap: use redis.url (a Secret) or redis.existingSecret" -}}
{{- end -}}
{{- $closeMs := int (dig "audit" "queue" "closeTimeoutMs" 10000 .Values.config) -}}
{{- $needed := add .Values.gateway.preStopSleepSeconds (div (add $closeMs 999) 1000) 10 -}}
{{- if lt (int .Values.gateway.terminationGracePeriodSeconds) (int $needed) -}}
{{- fail (printf "gateway.terminationGracePeriodSeconds must be at least %d: preStopSleepSeconds, then the hand-over with config.audit.queue.closeTimeoutMs, plus 10 s for the rest of the shutdown" (int $needed)) -}}
{{- end -}}
{{- end -}}

{{/* NetworkPolicy parts: DNS egress (call with the ports), Redis egress (call with $), a metrics port's ingress (call with (list $ port)). */}}
{{- define "tailgate.dnsEgress" -}}
- ports:
    {{- range . }}
    - { protocol: UDP, port: {{ . }} }
    - { protocol: TCP, port: {{ . }} }
    {{- end }}
{{- end -}}
{{- define "tailgate.redisEgress" -}}
{{- if .Values.redis.trial.enabled -}}
- to:
    - podSelector:
        matchLabels:
          {{- include "tailgate.selectorLabels" (list . "redis") | nindent 10 }}
  ports:
    - { protocol: TCP, port: 6379 }
{{- else -}}
- ports:
    {{- range .Values.networkPolicy.redis.ports }}
    - { protocol: TCP, port: {{ . }} }
    {{- end }}
  {{- with .Values.networkPolicy.redis.cidrs }}
  to:
    {{- range . }}
    - ipBlock: { cidr: {{ . }} }
    {{- end }}
  {{- end }}
{{- end -}}
{{- end -}}
{{- define "tailgate.metricsIngress" -}}
- ports:
    - { protocol: TCP, port: {{ index . 1 }} }
  {{- with (index . 0).Values.networkPolicy.metricsFrom }}
  from:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}
