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
		// Retried: right after the namespaces exist, pods are refused until
		// the controller-manager has created their default ServiceAccount.
		var out []byte
		for attempt := 1; ; attempt++ {
			out, err = l.kubectl(ctx, data, "apply", "--server-side", "--force-conflicts", "--field-manager=devcluster-seed", "-f", "-")
			if err == nil {
				break
			}
			if attempt == 20 || ctx.Err() != nil {
				return fmt.Errorf("%s: %w", n, err)
			}
			time.Sleep(time.Second)
		}
		fmt.Fprintf(os.Stderr, "seed/%s: %d objects\n", n, bytes.Count(out, []byte("\n")))
	}

	// Logs: logs/<ns>/<container>.log -> CRI files served for every
	// container of that name (names are unique across namespaces).
	if err := os.MkdirAll(seedLogDir(l), 0o755); err != nil {
		return err
	}
	seen := map[string]string{}
	count := 0
	err = fs.WalkDir(seed.Files, "logs", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".log") {
			return err
		}
		name := path.Base(p)
		if other, dup := seen[name]; dup {
			return fmt.Errorf("seed/%s and seed/%s: seeded container names must be unique", other, p)
		}
		seen[name] = p
		dst := filepath.Join(seedLogDir(l), name)
		if *resetLogs || !fileExists(dst) {
			src, err := seed.Files.ReadFile(p)
			if err != nil {
				return err
			}
			if err := os.WriteFile(dst, []byte(toCRI(string(src))), 0o644); err != nil {
				return err
			}
		}
		count++
		return nil
	})
	if err != nil {
		return err
	}
	if err := writeClusterLogs(ctx, l); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "seed/logs: %d log files\n", count)

	// Wait until the seeded workloads have their pods running.
	for _, ns := range []string{"kube-system", "fraud-detection", "vision", "llm", "sandbox"} {
		if _, err := l.kubectl(ctx, nil, "-n", ns, "rollout", "status", "deployment", "--timeout=120s"); err != nil {
			return err
		}
	}
	fmt.Fprintln(os.Stderr, "seed applied")
	return nil
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
