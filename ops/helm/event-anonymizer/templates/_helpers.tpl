{{/* Names and labels shared by every template. */}}

{{- define "event-anonymizer.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "event-anonymizer.fullname" -}}
{{- if contains .Chart.Name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "event-anonymizer.selectorLabels" -}}
app.kubernetes.io/name: {{ include "event-anonymizer.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: worker
{{- end }}

{{- define "event-anonymizer.commonLabels" -}}
app.kubernetes.io/name: {{ include "event-anonymizer.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end }}

{{- define "event-anonymizer.labels" -}}
{{ include "event-anonymizer.commonLabels" . }}
app.kubernetes.io/component: worker
{{- end }}

{{- define "event-anonymizer.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "event-anonymizer.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "event-anonymizer.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* The Secret holding ANONYMIZER_KEYS (and the Kafka passwords): given, or made by the chart. */}}
{{- define "event-anonymizer.secretName" -}}
{{- if .Values.secrets.existingSecret }}
{{- .Values.secrets.existingSecret }}
{{- else }}
{{- printf "%s-secrets" (include "event-anonymizer.fullname" .) }}
{{- end }}
{{- end }}

{{/* Start-up checks of the values, so that a mistake fails `helm install`, not the pods. */}}
{{- define "event-anonymizer.validate" -}}
{{- if not (index .Values.config "ANONYMIZER_BOOTSTRAP_SERVERS") }}
{{- fail "config.ANONYMIZER_BOOTSTRAP_SERVERS is required: the Kafka brokers, host:port,..." }}
{{- end }}
{{- if and (not .Values.secrets.existingSecret) (not .Values.secrets.keys) }}
{{- fail "secrets.existingSecret (a Secret holding ANONYMIZER_KEYS) or secrets.keys is required: the master key ring" }}
{{- end }}
{{- range $name, $_ := .Values.config }}
{{- if not (hasPrefix "ANONYMIZER_" $name) }}
{{- fail (printf "config.%s: settings are ANONYMIZER_* variables" $name) }}
{{- end }}
{{- if has $name (list "ANONYMIZER_KEYS" "ANONYMIZER_SASL_PASSWORD" "ANONYMIZER_SSL_KEY_PASSWORD") }}
{{- fail (printf "config.%s is a secret: put it in the Secret (secrets.*), not the ConfigMap" $name) }}
{{- end }}
{{- if has $name (list "ANONYMIZER_INSTANCE_ID" "ANONYMIZER_METRICS_PORT" "ANONYMIZER_PROFILE") }}
{{- fail (printf "config.%s is set by the chart (instance id = pod name; metrics.port; profile)" $name) }}
{{- end }}
{{- end }}
{{- if not (has .Values.profile (list "throughput" "latency")) }}
{{- fail (printf "profile must be throughput or latency, not %v" .Values.profile) }}
{{- end }}
{{- end }}
