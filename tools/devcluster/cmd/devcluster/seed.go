package main

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"aigov.dev/tools/devcluster/seed"
)

//go:embed assets
var assets embed.FS

func writeKwokConfig(l *layout) error {
	stages, err := assets.ReadFile("assets/kwok-stages.yaml")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(l.kwok, "stages.yaml"), stages, 0o644)
}

func cmdSeed(args []string) error {
	flags, dir, binDir := commonFlags("seed")
	resetLogs := flags.Bool("reset-logs", false, "rewrite the seeded log files (drops lines appended since)")
	flags.Parse(args)
	l, err := newLayout(*dir, *binDir)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	// Manifests, in file-name order (namespaces first).
	names, err := fs.Glob(seed.Files, "*.yaml")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, n := range names {
		data, err := seed.Files.ReadFile(n)
		if err != nil {
			return err
		}
		out, err := l.kubectl(ctx, data, "apply", "--server-side", "--force-conflicts", "--field-manager=devcluster-seed", "-f", "-")
		if err != nil {
			return fmt.Errorf("%s: %w", n, err)
		}
		fmt.Fprintf(os.Stderr, "seed/%s: %d objects\n", n, bytes.Count(out, []byte("\n")))
	}

	// Logs: logs/<ns>/<container>.log -> CRI files + one ClusterLogs per namespace.
	byNS := map[string][]string{}
	err = fs.WalkDir(seed.Files, "logs", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".log") {
			return err
		}
		ns := path.Base(path.Dir(p))
		byNS[ns] = append(byNS[ns], path.Base(p))
		return nil
	})
	if err != nil {
		return err
	}
	for ns, files := range byNS {
		outDir := filepath.Join(l.podLogs, "seed", ns)
		if err := os.MkdirAll(outDir, 0o755); err != nil {
			return err
		}
		sort.Strings(files)
		var rules []any
		for _, f := range files {
			src, err := seed.Files.ReadFile(path.Join("logs", ns, f))
			if err != nil {
				return err
			}
			dst := filepath.Join(outDir, f)
			if *resetLogs || !fileExists(dst) {
				if err := os.WriteFile(dst, []byte(toCRI(string(src))), 0o644); err != nil {
					return err
				}
			}
			container, _ := strings.CutSuffix(f, ".log")
			if strings.HasSuffix(container, ".previous") {
				continue
			}
			rule := map[string]any{"containers": []string{container}, "logsFile": dst, "follow": true}
			prev := filepath.Join(outDir, container+".previous.log")
			if contains(files, container+".previous.log") {
				rule["previousLogsFile"] = prev
			} else {
				rule["previousLogsFile"] = dst
			}
			rules = append(rules, rule)
		}
		if err := applyObject(ctx, l, map[string]any{
			"apiVersion": "kwok.x-k8s.io/v1alpha1",
			"kind":       "ClusterLogs",
			"metadata":   map[string]any{"name": "seed-" + ns, "labels": map[string]string{"app.kubernetes.io/managed-by": "devcluster-seed"}},
			"spec": map[string]any{
				"selector": map[string]any{"matchNamespaces": []string{ns}},
				"logs":     rules,
			},
		}); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "seed/logs/%s: %d log files\n", ns, len(files))
	}

	// Wait until the seeded workloads have their pods running.
	for _, ns := range []string{"fraud-detection", "vision", "llm", "sandbox"} {
		if _, err := l.kubectl(ctx, nil, "-n", ns, "rollout", "status", "deployment", "--timeout=120s"); err != nil {
			return err
		}
	}
	fmt.Fprintln(os.Stderr, "seed applied")
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// toCRI turns plain lines into CRI log lines spread over the last hour, so
// --since and --timestamps behave as with a real runtime. Lines starting with
// "!stderr " go to the stderr stream.
func toCRI(src string) string {
	lines := strings.Split(strings.TrimRight(src, "\n"), "\n")
	var b strings.Builder
	now := time.Now()
	step := time.Hour / time.Duration(len(lines)+1)
	for i, line := range lines {
		stream := "stdout"
		if rest, ok := strings.CutPrefix(line, "!stderr "); ok {
			stream, line = "stderr", rest
		}
		t := now.Add(-time.Hour + time.Duration(i+1)*step)
		b.WriteString(criLine(t, stream, line))
	}
	return b.String()
}
