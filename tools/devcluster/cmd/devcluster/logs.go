package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Container logs are files in the CRI log format that kwok serves to the
// apiserver (GET pods/log goes apiserver -> kwok's kubelet port -> file):
//
//	<state>/pod-logs/pods/<ns>/<pod>/<container>.log   one pod's container: a kwok Logs
//	                                                   object named after the pod (log-append)
//	<state>/pod-logs/pods/<ns>/<pod>/<container>.previous.log   what --previous returns
//	<state>/pod-logs/seed/<container>.log              seeded log for every container of that
//	                                                   name (ClusterLogs "devcluster")
//	<state>/pod-logs/_default.log                      every other container (same ClusterLogs)
//
// kwok consults a pod's Logs object first, then the ClusterLogs objects in no
// particular order; so there is exactly one ClusterLogs, and seeded container
// names are unique.

const clusterLogsName = "devcluster"

const criTimeLayout = "2006-01-02T15:04:05.000000000Z07:00"

// criLine formats one line of a container log the way container runtimes write it.
func criLine(t time.Time, stream, line string) string {
	return fmt.Sprintf("%s %s F %s\n", t.UTC().Format(criTimeLayout), stream, line)
}

func defaultLogPath(l *layout) string { return filepath.Join(l.podLogs, "_default.log") }

func seedLogDir(l *layout) string { return filepath.Join(l.podLogs, "seed") }

// writeClusterLogs (re)writes the one ClusterLogs object: an entry per seeded
// container name, and the default file for all other containers.
func writeClusterLogs(ctx context.Context, l *layout) error {
	path := defaultLogPath(l)
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		now := time.Now()
		content := criLine(now, "stdout", "container started on a devcluster fake node") +
			criLine(now, "stdout", "no log lines were recorded for this container; add some with: devcluster log-append NAMESPACE POD CONTAINER LINE")
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			return err
		}
	}
	var logs []any
	entries, _ := os.ReadDir(seedLogDir(l))
	for _, e := range entries {
		c, ok := strings.CutSuffix(e.Name(), ".log")
		if !ok || strings.HasSuffix(c, ".previous") {
			continue
		}
		file := filepath.Join(seedLogDir(l), e.Name())
		entry := map[string]any{"containers": []string{c}, "logsFile": file, "follow": true}
		// Without a previous file, --previous fails as for a container that
		// never restarted.
		if prev := filepath.Join(seedLogDir(l), c+".previous.log"); fileExists(prev) {
			entry["previousLogsFile"] = prev
		}
		logs = append(logs, entry)
	}
	logs = append(logs, map[string]any{"logsFile": path, "follow": true})
	return applyObject(ctx, l, map[string]any{
		"apiVersion": "kwok.x-k8s.io/v1alpha1",
		"kind":       "ClusterLogs",
		"metadata":   map[string]any{"name": clusterLogsName, "labels": map[string]string{"app.kubernetes.io/managed-by": "devcluster"}},
		"spec":       map[string]any{"selector": map[string]any{}, "logs": logs},
	})
}

func applyObject(ctx context.Context, l *layout, obj any) error {
	b, err := json.Marshal(obj)
	if err != nil {
		return err
	}
	_, err = l.kubectl(ctx, b, "apply", "--server-side", "--force-conflicts", "--field-manager=devcluster", "-f", "-")
	return err
}

// podLogRule writes the kwok Logs object for one pod from the files in its
// directory: one entry per container, and the default file for the others.
func podLogRule(ctx context.Context, l *layout, ns, pod string) error {
	dir := filepath.Join(l.podLogs, "pods", ns, pod)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var names []string
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".log"); ok && !strings.HasSuffix(n, ".previous") {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	var logs []any
	for _, c := range names {
		entry := map[string]any{
			"containers": []string{c},
			"logsFile":   filepath.Join(dir, c+".log"),
			"follow":     true,
		}
		if prev := filepath.Join(dir, c+".previous.log"); fileExists(prev) {
			entry["previousLogsFile"] = prev
		}
		logs = append(logs, entry)
	}
	logs = append(logs, map[string]any{"logsFile": defaultLogPath(l), "follow": true})
	return applyObject(ctx, l, map[string]any{
		"apiVersion": "kwok.x-k8s.io/v1alpha1",
		"kind":       "Logs",
		"metadata":   map[string]any{"name": pod, "namespace": ns, "labels": map[string]string{"app.kubernetes.io/managed-by": "devcluster"}},
		"spec":       map[string]any{"logs": logs},
	})
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func validName(s string) bool {
	return s != "" && !strings.ContainsAny(s, "/\\") && s != "." && s != ".."
}

func cmdLogAppend(args []string) error {
	fs, dir, binDir := commonFlags("log-append")
	stderr := fs.Bool("stderr", false, "write to the stderr stream instead of stdout")
	previous := fs.Bool("previous", false, "append to the previous container's log (what --previous shows)")
	fs.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: devcluster log-append [--dir .dev] [--stderr] [--previous] NAMESPACE POD CONTAINER [LINE...]\n  without LINE arguments, lines are read from stdin")
		fs.PrintDefaults()
	}
	fs.Parse(reorderFlags(fs, args))
	if fs.NArg() < 3 {
		fs.Usage()
		os.Exit(2)
	}
	ns, pod, container := fs.Arg(0), fs.Arg(1), fs.Arg(2)
	for _, n := range []string{ns, pod, container} {
		if !validName(n) {
			return fmt.Errorf("invalid name %q", n)
		}
	}
	l, err := newLayout(*dir, *binDir)
	if err != nil {
		return err
	}
	podDir := filepath.Join(l.podLogs, "pods", ns, pod)
	file := filepath.Join(podDir, container+".log")
	seedFile := filepath.Join(seedLogDir(l), container+".log")
	if *previous {
		file = filepath.Join(podDir, container+".previous.log")
		seedFile = filepath.Join(seedLogDir(l), container+".previous.log")
	}
	created := false
	if !fileExists(file) && fileExists(seedFile) && !fileExists(filepath.Join(podDir, container+".log")) {
		// The container is served from a seeded log (shared by every
		// container of that name): append there, so a reader that is already
		// following sees the lines.
		file = seedFile
	} else if !fileExists(file) {
		created = true
		if err := os.MkdirAll(podDir, 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(file, nil, 0o644); err != nil {
			return err
		}
	}
	stream := "stdout"
	if *stderr {
		stream = "stderr"
	}
	var lines []string
	if fs.NArg() > 3 {
		lines = fs.Args()[3:]
	} else {
		sc := bufio.NewScanner(os.Stdin)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			lines = append(lines, sc.Text())
		}
		if err := sc.Err(); err != nil && err != io.EOF {
			return err
		}
	}
	if created {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := podLogRule(ctx, l, ns, pod); err != nil {
			return err
		}
		// kwok picks the rule up through a watch; give it a moment so a
		// request right after this command already sees the file.
		time.Sleep(500 * time.Millisecond)
	}
	var b strings.Builder
	for _, line := range lines {
		for _, part := range strings.Split(line, "\n") {
			b.WriteString(criLine(time.Now(), stream, part))
		}
	}
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = f.WriteString(b.String())
	return err
}

// reorderFlags moves flags after positional arguments to the front, so
// `log-append NS POD C --stderr line` works like `log-append --stderr NS POD C line`.
func reorderFlags(fs *flag.FlagSet, args []string) []string {
	var flags, rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i+1:]...)
			break
		}
		if strings.HasPrefix(a, "-") && len(rest) < 3 {
			name := strings.TrimLeft(a, "-")
			name, _, hasValue := strings.Cut(name, "=")
			flags = append(flags, a)
			if f := fs.Lookup(name); f != nil && !hasValue {
				if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); !ok || !bf.IsBoolFlag() {
					if i+1 < len(args) {
						flags = append(flags, args[i+1])
						i++
					}
				}
			}
			continue
		}
		rest = append(rest, a)
	}
	return append(flags, rest...)
}
