package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// The apiserver's audit events go to the portal's audit webhook
// (`aigov serve --apiserver-audit-listen`), so use of a model through the
// apiserver's own service proxy or pods/log counts as use too; and writes of
// workloads, so the policy page shows what the governance policies' admission
// checks refused. Only those are recorded, at Metadata level (who, what,
// when, the status; never a body). The webhook runs in batch mode: a portal that is
// not running makes the apiserver drop events after its retries, never
// block or slow a request.
const auditPolicy = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages:
  - RequestReceived
rules:
  - level: Metadata
    resources:
      - group: ""
        resources: ["services/proxy", "pods/log"]
  - level: Metadata
    verbs: ["create", "update", "patch"]
    resources:
      - group: ""
        resources: ["pods"]
      - group: "apps"
        resources: ["deployments", "statefulsets", "daemonsets", "replicasets"]
      - group: "batch"
        resources: ["jobs", "cronjobs"]
  - level: None
`

// auditTokenFile is the bearer token the apiserver presents to the portal's
// audit webhook (0600, in the pki dir; made once, kept across restarts).
func (l *layout) auditTokenFile() string  { return filepath.Join(l.pki, "apiserver-audit.token") }
func (l *layout) auditPolicyFile() string { return filepath.Join(l.state, "audit", "policy.yaml") }
func (l *layout) auditWebhookKubeconfig() string {
	return filepath.Join(l.state, "audit", "webhook.kubeconfig")
}

// auditListen is where the portal's audit webhook listens.
func auditListen(p ports) string { return fmt.Sprintf("127.0.0.1:%d", p.AuditWebhook) }

// writeAuditConfig writes the audit policy, the token and the webhook's
// kubeconfig: the portal's address, over HTTPS with a serving certificate
// from the devcluster's CA (apiserver-audit-webhook.crt), because the
// apiserver sends a kubeconfig's credentials only over HTTPS.
func writeAuditConfig(l *layout, p ports) error {
	if err := os.MkdirAll(filepath.Dir(l.auditPolicyFile()), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(l.auditPolicyFile(), []byte(auditPolicy), 0o644); err != nil {
		return err
	}
	token, err := ensureAuditToken(l.auditTokenFile())
	if err != nil {
		return err
	}
	kubeconfig := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: aigov-portal
  cluster:
    server: https://%s/apiserver/audit
    certificate-authority: %s
users:
- name: kube-apiserver
  user:
    token: %s
contexts:
- name: default
  context:
    cluster: aigov-portal
    user: kube-apiserver
current-context: default
`, auditListen(p), filepath.Join(l.pki, "ca.crt"), token)
	return os.WriteFile(l.auditWebhookKubeconfig(), []byte(kubeconfig), 0o600)
}

func ensureAuditToken(path string) (string, error) {
	if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) >= 32 {
		return strings.TrimSpace(string(b)), os.Chmod(path, 0o600)
	}
	buf := make([]byte, 32)
	if _, err := rand.Read(buf); err != nil {
		return "", err
	}
	token := hex.EncodeToString(buf)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(token+"\n"), 0o600); err != nil {
		return "", err
	}
	return token, os.Rename(tmp, path)
}

// auditArgs are the kube-apiserver flags that send audit events to the portal.
func auditArgs(l *layout) []string {
	return []string{
		"--audit-policy-file=" + l.auditPolicyFile(),
		"--audit-webhook-config-file=" + l.auditWebhookKubeconfig(),
		"--audit-webhook-mode=batch",
		"--audit-webhook-batch-max-wait=2s",
		// A short first backoff: a portal that starts after the apiserver
		// gets the events buffered meanwhile (up to the batch buffer's
		// 10000; beyond it the apiserver drops them, never blocks).
		"--audit-webhook-initial-backoff=1s",
	}
}

// auditEnv are the lines of the env output that tell the portal where to
// listen for the apiserver's audit events and which token to expect.
func auditEnv(l *layout, p ports) []string {
	if p.AuditWebhook == 0 {
		return nil
	}
	return []string{
		"AIGOV_APISERVER_AUDIT_LISTEN=" + auditListen(p),
		"AIGOV_APISERVER_AUDIT_TOKEN_FILE=" + l.auditTokenFile(),
		"AIGOV_APISERVER_AUDIT_TLS_CERT_FILE=" + filepath.Join(l.pki, "apiserver-audit-webhook.crt"),
		"AIGOV_APISERVER_AUDIT_TLS_KEY_FILE=" + filepath.Join(l.pki, "apiserver-audit-webhook.key"),
	}
}
