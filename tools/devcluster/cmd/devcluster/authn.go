package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// People authenticate to the apiserver with the identity provider's ID
// tokens through the structured authentication configuration
// (--authentication-config). The file is written by the portal
// (`aigov cluster-auth-config`, run by scripts/cluster-auth.sh once the
// identity provider is up), so the cluster and the portal map claims to
// user and group names the same way; the apiserver reloads it when it
// changes. Until then it trusts no issuer: client certificates only.
const emptyAuthnConfig = `apiVersion: apiserver.config.k8s.io/v1
kind: AuthenticationConfiguration
jwt: []
`

func (l *layout) authnConfigFile() string {
	return filepath.Join(l.state, "authn", "authentication-config.yaml")
}

// writeAuthnConfig creates the file when it does not exist yet; an existing
// one (the portal's) is kept across restarts.
func writeAuthnConfig(l *layout) error {
	path := l.authnConfigFile()
	if _, err := os.Stat(path); err == nil {
		return nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(emptyAuthnConfig), 0o644)
}

func authnArgs(l *layout) []string {
	return []string{"--authentication-config=" + l.authnConfigFile()}
}
