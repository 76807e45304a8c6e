{{/* Labels every object of the release carries. */}}
{{- define "aigov.labels" -}}
app.kubernetes.io/name: aigov
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Labels that select the portal's pods. */}}
{{- define "aigov.selectorLabels" -}}
app.kubernetes.io/name: aigov
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* The image, by digest when one is given. */}}
{{- define "aigov.image" -}}
{{- if .Values.image.digest -}}
{{ .Values.image.repository }}@{{ .Values.image.digest }}
{{- else -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}
{{- end -}}

{{/* The Secret holding the session key. */}}
{{- define "aigov.sessionSecret" -}}
{{- .Values.session.existingSecret | default (printf "%s-session" .Release.Name) -}}
{{- end -}}
