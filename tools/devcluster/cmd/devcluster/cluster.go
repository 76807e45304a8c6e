package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Loopback ports, as offsets from --port-base (default 27000). None of them
// clash with the portal (3000/3001) or the dev identity provider (9443).
type ports struct {
	Base       int `json:"base"`
	APIServer  int `json:"apiserver"`
	EtcdClient int `json:"etcdClient"`
	EtcdPeer   int `json:"etcdPeer"`
	Controller int `json:"controllerManager"`
	Scheduler  int `json:"scheduler"`
	Kwok       int `json:"kwok"`
	// Not a devcluster process: where the portal listens for the
	// apiserver's audit events (aigov serve --apiserver-audit-listen).
	AuditWebhook int `json:"auditWebhook"`
}

const defaultPortBase = 27000

// The portal's audit webhook listens on base+446 (see audit.go).
const auditWebhookOffset = 446

func portsFrom(base int) ports {
	return ports{
		Base:         base,
		APIServer:    base + 443,
		EtcdClient:   base + 379,
		EtcdPeer:     base + 380,
		Controller:   base + 257,
		Scheduler:    base + 259,
		Kwok:         base + 250,
		AuditWebhook: base + auditWebhookOffset,
	}
}

var defaultPorts = portsFrom(defaultPortBase)

// layout is where everything lives under --dir.
type layout struct {
	root       string // --dir, e.g. .dev
	state      string // root/devcluster
	pki        string
	etcd       string
	procLogs   string // stdout/stderr of each process
	run        string // pid files
	podLogs    string // container log files served by kwok
	kwok       string // kwok configuration
	kubeconfig string // root/kubeconfig (admin)
	binDir     string
}

func newLayout(dir, binDir string) (*layout, error) {
	root, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	state := filepath.Join(root, "devcluster")
	if binDir == "" {
		exe, err := os.Executable()
		if err != nil {
			return nil, err
		}
		if exe, err = filepath.EvalSymlinks(exe); err != nil {
			return nil, err
		}
		binDir = filepath.Dir(exe)
	}
	return &layout{
		root:       root,
		state:      state,
		pki:        filepath.Join(state, "pki"),
		etcd:       filepath.Join(state, "etcd"),
		procLogs:   filepath.Join(state, "logs"),
		run:        filepath.Join(state, "run"),
		podLogs:    filepath.Join(state, "pod-logs"),
		kwok:       filepath.Join(state, "kwok"),
		kubeconfig: filepath.Join(root, "kubeconfig"),
		binDir:     binDir,
	}, nil
}

func (l *layout) bin(name string) string { return filepath.Join(l.binDir, name) }

func (l *layout) savePorts(p ports) error {
	b, _ := json.MarshalIndent(p, "", "  ")
	return os.WriteFile(filepath.Join(l.state, "ports.json"), b, 0o644)
}

func (l *layout) loadPorts() ports {
	var p ports
	if b, err := os.ReadFile(filepath.Join(l.state, "ports.json")); err == nil && json.Unmarshal(b, &p) == nil && p.APIServer != 0 {
		if p.AuditWebhook == 0 { // remembered before the audit webhook existed
			p.AuditWebhook = p.Base + auditWebhookOffset
		}
		return p
	}
	return defaultPorts
}

// component is one process of the cluster.
type component struct {
	name   string
	binary string
	args   []string
	port   int
	health string // URL polled until it answers 200
}

func components(l *layout, p ports) []component {
	pki := func(f string) string { return filepath.Join(l.pki, f) }
	kc := func(n string) string { return filepath.Join(l.state, "kubeconfigs", n+".kubeconfig") }
	return []component{
		{
			name:   "etcd",
			binary: "devcluster",
			args: []string{"etcd", "--data-dir", l.etcd, "--lock-file", filepath.Join(l.state, "etcd.lock"),
				"--client-port", strconv.Itoa(p.EtcdClient), "--peer-port", strconv.Itoa(p.EtcdPeer)},
			port:   p.EtcdClient,
			health: fmt.Sprintf("http://127.0.0.1:%d/health", p.EtcdClient),
		},
		{
			name:   "kube-apiserver",
			binary: "kube-apiserver",
			args: append([]string{
				"--etcd-servers=" + fmt.Sprintf("http://127.0.0.1:%d", p.EtcdClient),
				"--bind-address=127.0.0.1",
				"--advertise-address=127.0.0.1",
				"--secure-port=" + strconv.Itoa(p.APIServer),
				"--tls-cert-file=" + pki("apiserver.crt"),
				"--tls-private-key-file=" + pki("apiserver.key"),
				"--client-ca-file=" + pki("ca.crt"),
				"--authorization-mode=Node,RBAC",
				"--enable-admission-plugins=NodeRestriction",
				"--allow-privileged=true",
				"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
				"--service-account-key-file=" + pki("sa.pub"),
				"--service-account-signing-key-file=" + pki("sa.key"),
				"--service-cluster-ip-range=10.96.0.0/16",
				"--kubelet-client-certificate=" + pki("apiserver-kubelet-client.crt"),
				"--kubelet-client-key=" + pki("apiserver-kubelet-client.key"),
				"--kubelet-certificate-authority=" + pki("ca.crt"),
				"--kubelet-preferred-address-types=InternalIP,Hostname",
				"--profiling=false",
				"--event-ttl=2h",
				"--v=1",
			}, append(auditArgs(l), authnArgs(l)...)...),
			port:   p.APIServer,
			health: fmt.Sprintf("https://127.0.0.1:%d/readyz", p.APIServer),
		},
		{
			name:   "kube-controller-manager",
			binary: "kube-controller-manager",
			args: []string{
				"--kubeconfig=" + kc("kube-controller-manager"),
				"--authentication-kubeconfig=" + kc("kube-controller-manager"),
				"--authorization-kubeconfig=" + kc("kube-controller-manager"),
				"--bind-address=127.0.0.1",
				"--secure-port=" + strconv.Itoa(p.Controller),
				"--service-account-private-key-file=" + pki("sa.key"),
				"--root-ca-file=" + pki("ca.crt"),
				"--cluster-signing-cert-file=" + pki("ca.crt"),
				"--cluster-signing-key-file=" + pki("ca.key"),
				"--use-service-account-credentials=true",
				"--service-cluster-ip-range=10.96.0.0/16",
				"--controllers=*",
				"--leader-elect=false",
				"--profiling=false",
				"--v=1",
			},
			port:   p.Controller,
			health: fmt.Sprintf("https://127.0.0.1:%d/healthz", p.Controller),
		},
		{
			name:   "kube-scheduler",
			binary: "kube-scheduler",
			args: []string{
				"--kubeconfig=" + kc("kube-scheduler"),
				"--authentication-kubeconfig=" + kc("kube-scheduler"),
				"--authorization-kubeconfig=" + kc("kube-scheduler"),
				"--bind-address=127.0.0.1",
				"--secure-port=" + strconv.Itoa(p.Scheduler),
				"--leader-elect=false",
				"--profiling=false",
				"--v=1",
			},
			port:   p.Scheduler,
			health: fmt.Sprintf("https://127.0.0.1:%d/healthz", p.Scheduler),
		},
		{
			name:   "kwok",
			binary: "kwok",
			args: []string{
				"--kubeconfig=" + kc("kwok"),
				"--config=" + filepath.Join(l.kwok, "stages.yaml"),
				"--manage-all-nodes=false",
				"--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
				"--node-ip=127.0.0.1",
				"--node-port=" + strconv.Itoa(p.Kwok),
				"--server-address=127.0.0.1:" + strconv.Itoa(p.Kwok),
				"--tls-cert-file=" + pki("kwok.crt"),
				"--tls-private-key-file=" + pki("kwok.key"),
				"--cidr=10.244.0.0/16",
				"--node-lease-duration-seconds=40",
				"--enable-crds=Logs,ClusterLogs",
			},
			port:   p.Kwok,
			health: fmt.Sprintf("https://127.0.0.1:%d/healthz", p.Kwok),
		},
	}
}

func commonFlags(name string) (*flag.FlagSet, *string, *string) {
	fs := flag.NewFlagSet(name, flag.ExitOnError)
	dir := fs.String("dir", ".dev", "directory for data, logs and the kubeconfig")
	binDir := fs.String("bin-dir", "", "directory with kube-apiserver, kube-controller-manager, kube-scheduler, kwok and kubectl (default: next to devcluster)")
	return fs, dir, binDir
}

// ---- process bookkeeping ----

func (l *layout) pidFile(name string) string { return filepath.Join(l.run, name+".pid") }

// runningPid returns the pid of a component that is alive and really is that
// component (checked against /proc/PID/cmdline), or 0.
func (l *layout) runningPid(c component) int {
	b, err := os.ReadFile(l.pidFile(c.name))
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0
	}
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return 0
	}
	args := strings.Split(string(cmdline), "\x00")
	if len(args) == 0 || filepath.Base(args[0]) != c.binary {
		return 0
	}
	if stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil {
		// A zombie is not running.
		if f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:])); len(f) > 0 && f[0] == "Z" {
			return 0
		}
	}
	return pid
}

func (l *layout) start(c component) (*exec.Cmd, error) {
	logPath := filepath.Join(l.procLogs, c.name+".log")
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	fmt.Fprintf(logFile, "\n==== %s starting %s\n", time.Now().Format(time.RFC3339), c.name)
	cmd := exec.Command(l.bin(c.binary), c.args...)
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.Stdin = nil
	cmd.Dir = l.state
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", c.name, err)
	}
	if err := os.WriteFile(l.pidFile(c.name), []byte(strconv.Itoa(cmd.Process.Pid)), 0o644); err != nil {
		return nil, err
	}
	return cmd, nil
}

func tailFile(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// ---- health ----

func (l *layout) httpClient(withAdminCert bool) (*http.Client, error) {
	tlsConfig := &tls.Config{InsecureSkipVerify: true} // components' own serving certs are self-signed
	if withAdminCert {
		caPEM, err := os.ReadFile(filepath.Join(l.pki, "ca.crt"))
		if err != nil {
			return nil, err
		}
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(caPEM)
		cert, err := tls.LoadX509KeyPair(filepath.Join(l.pki, "admin.crt"), filepath.Join(l.pki, "admin.key"))
		if err != nil {
			return nil, err
		}
		tlsConfig = &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{cert}}
	}
	return &http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{TLSClientConfig: tlsConfig}}, nil
}

func (l *layout) healthy(c component) error {
	client, err := l.httpClient(c.name == "kube-apiserver")
	if err != nil {
		return err
	}
	resp, err := client.Get(c.health)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s: %s", c.health, resp.Status, strings.TrimSpace(string(body)))
	}
	return nil
}

func (l *layout) waitHealthy(c component, cmd *exec.Cmd, timeout time.Duration) error {
	exited := make(chan error, 1)
	if cmd != nil {
		go func() { exited <- cmd.Wait() }()
	}
	deadline := time.Now().Add(timeout)
	var last error
	for time.Now().Before(deadline) {
		if last = l.healthy(c); last == nil {
			return nil
		}
		select {
		case err := <-exited:
			return fmt.Errorf("%s exited (%v) before becoming healthy; last lines of %s:\n%s", c.name, err,
				filepath.Join(l.procLogs, c.name+".log"), tailFile(filepath.Join(l.procLogs, c.name+".log"), 30))
		case <-time.After(300 * time.Millisecond):
		}
	}
	return fmt.Errorf("%s not healthy after %s (%v); last lines of %s:\n%s", c.name, timeout, last,
		filepath.Join(l.procLogs, c.name+".log"), tailFile(filepath.Join(l.procLogs, c.name+".log"), 30))
}

func portFree(port int) error {
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return err
	}
	return ln.Close()
}

// ---- kubectl ----

func (l *layout) kubectl(ctx context.Context, stdin []byte, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, l.bin("kubectl"), append([]string{"--kubeconfig", l.kubeconfig}, args...)...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return out, fmt.Errorf("kubectl %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return out, nil
}

// ---- up ----

func cmdUp(args []string) error {
	fs, dir, binDir := commonFlags("up")
	fresh := fs.Bool("fresh", false, "delete all cluster data first")
	portBase := fs.Int("port-base", 0, fmt.Sprintf("base of the loopback ports (default %d, or the ports of the previous run)", defaultPortBase))
	timeout := fs.Duration("timeout", 3*time.Minute, "how long to wait for each component")
	fs.Parse(args)
	l, err := newLayout(*dir, *binDir)
	if err != nil {
		return err
	}
	for _, b := range []string{"devcluster", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok", "kubectl"} {
		if _, err := os.Stat(l.bin(b)); err != nil {
			return fmt.Errorf("missing binary %s (build with scripts/devcluster.sh build, or pass --bin-dir)", l.bin(b))
		}
	}
	if err := os.MkdirAll(l.state, 0o755); err != nil {
		return err
	}
	// Serialise concurrent `up`/`down` for the same directory.
	unlock, err := lockBlocking(filepath.Join(l.root, "devcluster.lock"), 10*time.Minute)
	if err != nil {
		return err
	}
	defer unlock()

	p := l.loadPorts()
	if *portBase != 0 {
		p = portsFrom(*portBase)
	}
	comps := components(l, p)

	if *fresh {
		if err := stopAll(l, comps); err != nil {
			return err
		}
		if err := os.RemoveAll(l.state); err != nil {
			return err
		}
		_ = os.Remove(l.kubeconfig)
		fmt.Fprintf(os.Stderr, "removed %s\n", l.state)
	} else {
		// Already running and healthy: nothing to do.
		running, allHealthy := 0, true
		for _, c := range comps {
			if l.runningPid(c) != 0 {
				running++
				if l.healthy(c) != nil {
					allHealthy = false
				}
			} else {
				allHealthy = false
			}
		}
		if allHealthy {
			fmt.Printf("devcluster is already running (%s)\n", l.root)
			printUsage(l, p)
			return nil
		}
		if running > 0 {
			fmt.Fprintln(os.Stderr, "devcluster is partly running; restarting it")
			if err := stopAll(l, comps); err != nil {
				return err
			}
		}
	}
	for _, d := range []string{l.state, l.pki, l.etcd, l.procLogs, l.run, l.podLogs, l.kwok, filepath.Join(l.state, "kubeconfigs")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	if err := os.Chmod(l.etcd, 0o700); err != nil {
		return err
	}
	// The data directory must not be in use by an etcd we do not track.
	if release, err := lockExclusive(filepath.Join(l.state, "etcd.lock")); err != nil {
		return err
	} else {
		release()
	}
	stopOrphans(l.root)
	if *portBase == 0 && !fileExists(filepath.Join(l.state, "ports.json")) && len(otherDevclusters(l.root)) > 0 {
		// First start of this directory while another checkout's devcluster
		// runs: take the first free block of ports (remembered afterwards).
		for base := defaultPortBase; base <= defaultPortBase+4000; base += 1000 {
			if allPortsFree(l, portsFrom(base)) {
				if base != p.Base {
					fmt.Fprintf(os.Stderr, "another devcluster uses the ports at %d; using --port-base %d\n", p.Base, base)
				}
				p = portsFrom(base)
				comps = components(l, p)
				break
			}
		}
	}
	for _, c := range comps {
		if err := portFree(c.port); err != nil {
			hint := "stop it, or choose other ports with --port-base"
			for _, other := range otherDevclusters(l.root) {
				hint = fmt.Sprintf("another devcluster is running from %s: stop it with `devcluster down --dir %s`, or choose other ports with --port-base", other, other)
			}
			return fmt.Errorf("port %d (for %s) on 127.0.0.1 is already in use (%v); %s (now %d)", c.port, c.name, err, hint, p.Base)
		}
	}
	if err := l.savePorts(p); err != nil {
		return err
	}
	if err := writePKIAndKubeconfigs(l, p); err != nil {
		return fmt.Errorf("certificates: %w", err)
	}
	if err := writeKwokConfig(l); err != nil {
		return err
	}
	if err := writeAuditConfig(l, p); err != nil {
		return fmt.Errorf("audit webhook: %w", err)
	}
	if err := writeAuthnConfig(l); err != nil {
		return fmt.Errorf("authentication configuration: %w", err)
	}

	started := time.Now()
	startOne := func(c component) error {
		t := time.Now()
		cmd, err := l.start(c)
		if err != nil {
			return err
		}
		if err := l.waitHealthy(c, cmd, *timeout); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "  %-24s healthy on 127.0.0.1:%d (%.1fs)\n", c.name, c.port, time.Since(t).Seconds())
		return nil
	}
	fail := func(err error) error {
		_ = stopAll(l, comps)
		return err
	}
	fmt.Fprintf(os.Stderr, "starting devcluster in %s\n", l.root)
	for _, c := range comps[:2] { // etcd, kube-apiserver
		if err := startOne(c); err != nil {
			return fail(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	if err := bootstrapObjects(ctx, l); err != nil {
		return fail(err)
	}
	for _, c := range comps[2:] {
		if err := startOne(c); err != nil {
			return fail(err)
		}
	}
	if _, err := l.kubectl(ctx, nil, "wait", "--for=condition=Ready", "node", "--all", "--timeout=120s"); err != nil {
		return fail(err)
	}
	fmt.Fprintf(os.Stderr, "devcluster up in %.1fs\n", time.Since(started).Seconds())
	printUsage(l, p)
	return nil
}

func printUsage(l *layout, p ports) {
	fmt.Printf(`
  API server:  https://127.0.0.1:%d  (admin: client certificate in group system:masters)
  kubeconfig:  %s
  data, logs:  %s

  export KUBECONFIG=%s
  export PATH=%s:$PATH
  kubectl get nodes
`, p.APIServer, l.kubeconfig, l.state, l.kubeconfig, l.binDir)
}

func writePKIAndKubeconfigs(l *layout, p ports) error {
	authority, err := loadOrCreateCA(l.pki)
	if err != nil {
		return err
	}
	issues := []struct {
		name, cn string
		orgs     []string
		server   bool
		hosts    []string
	}{
		{"apiserver", "kube-apiserver", nil, true, []string{"127.0.0.1", "localhost", "10.96.0.1", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"}},
		{"apiserver-kubelet-client", "kube-apiserver-kubelet-client", []string{"system:masters"}, false, nil},
		{"admin", "devcluster-admin", []string{"system:masters"}, false, nil},
		{"kube-controller-manager", "system:kube-controller-manager", nil, false, nil},
		{"kube-scheduler", "system:kube-scheduler", nil, false, nil},
		// kwok updates the status of every pod on its fake nodes and their leases.
		{"kwok", "kwok-controller", []string{"system:masters"}, true, []string{"127.0.0.1", "localhost"}},
		// The portal's audit webhook listener (the apiserver sends its token
		// only over HTTPS).
		{"apiserver-audit-webhook", "aigov-apiserver-audit-webhook", nil, true, []string{"127.0.0.1", "localhost"}},
	}
	for _, i := range issues {
		if err := authority.issue(l.pki, i.name, i.cn, i.orgs, i.server, i.hosts); err != nil {
			return err
		}
	}
	if err := ensureServiceAccountKey(l.pki); err != nil {
		return err
	}
	server := fmt.Sprintf("https://127.0.0.1:%d", p.APIServer)
	for _, n := range []string{"kube-controller-manager", "kube-scheduler", "kwok"} {
		if err := writeKubeconfig(filepath.Join(l.state, "kubeconfigs", n+".kubeconfig"), server, l.pki, n); err != nil {
			return err
		}
	}
	return writeKubeconfig(l.kubeconfig, server, l.pki, "admin")
}

// bootstrapObjects creates what must exist before kwok starts: kwok's
// CustomResourceDefinitions, the fake nodes and the default log rule.
func bootstrapObjects(ctx context.Context, l *layout) error {
	crds, err := assets.ReadFile("assets/kwok-crds.yaml")
	if err != nil {
		return err
	}
	if _, err := l.kubectl(ctx, crds, "apply", "--server-side", "--force-conflicts", "--field-manager=devcluster", "-f", "-"); err != nil {
		return err
	}
	if _, err := l.kubectl(ctx, nil, "wait", "--for=condition=Established", "crd/logs.kwok.x-k8s.io", "crd/clusterlogs.kwok.x-k8s.io", "--timeout=60s"); err != nil {
		return err
	}
	nodes, err := assets.ReadFile("assets/nodes.yaml")
	if err != nil {
		return err
	}
	if _, err := l.kubectl(ctx, nodes, "apply", "--server-side", "--force-conflicts", "--field-manager=devcluster", "-f", "-"); err != nil {
		return err
	}
	// The capacity is set through the status subresource (a create keeps the
	// status it is given, later applies do not touch it); kwok keeps it.
	for name, status := range nodeStatus {
		patch, _ := json.Marshal(map[string]any{"status": status})
		if _, err := l.kubectl(ctx, nil, "patch", "node", name, "--subresource=status", "--type=merge", "-p", string(patch)); err != nil {
			return err
		}
	}
	return writeClusterLogs(ctx, l)
}

// ---- down / status / env ----

func stopAll(l *layout, comps []component) error {
	var errs []error
	for i := len(comps) - 1; i >= 0; i-- {
		c := comps[i]
		pid := l.runningPid(c)
		if pid == 0 {
			_ = os.Remove(l.pidFile(c.name))
			continue
		}
		_ = syscall.Kill(pid, syscall.SIGTERM)
		deadline := time.Now().Add(20 * time.Second)
		for l.runningPid(c) != 0 && time.Now().Before(deadline) {
			time.Sleep(100 * time.Millisecond)
		}
		if l.runningPid(c) != 0 {
			_ = syscall.Kill(pid, syscall.SIGKILL)
			time.Sleep(200 * time.Millisecond)
		}
		if l.runningPid(c) != 0 {
			errs = append(errs, fmt.Errorf("%s (pid %d) did not stop", c.name, pid))
			continue
		}
		fmt.Fprintf(os.Stderr, "  stopped %s (pid %d)\n", c.name, pid)
		_ = os.Remove(l.pidFile(c.name))
	}
	return errors.Join(errs...)
}

func cmdDown(args []string) error {
	fs, dir, binDir := commonFlags("down")
	fs.Parse(args)
	l, err := newLayout(*dir, *binDir)
	if err != nil {
		return err
	}
	if _, err := os.Stat(l.state); err != nil {
		fmt.Fprintf(os.Stderr, "no devcluster in %s\n", l.root)
		return nil
	}
	unlock, err := lockBlocking(filepath.Join(l.root, "devcluster.lock"), 10*time.Minute)
	if err != nil {
		return err
	}
	defer unlock()
	if err := stopAll(l, components(l, l.loadPorts())); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "devcluster stopped; data kept in %s (use `up --fresh` to wipe it)\n", l.state)
	return nil
}

func cmdStatus(args []string) (bool, error) {
	fs, dir, binDir := commonFlags("status")
	fs.Parse(args)
	l, err := newLayout(*dir, *binDir)
	if err != nil {
		return false, err
	}
	p := l.loadPorts()
	all := true
	fmt.Printf("devcluster in %s\n", l.root)
	for _, c := range components(l, p) {
		pid := l.runningPid(c)
		state := "stopped"
		if pid != 0 {
			state = "running"
			if err := l.healthy(c); err != nil {
				state = "unhealthy: " + err.Error()
				all = false
			} else {
				state = "healthy"
			}
		} else {
			all = false
		}
		fmt.Printf("  %-24s pid %-8d 127.0.0.1:%-6d %s\n", c.name, pid, c.port, state)
	}
	if all {
		fmt.Printf("KUBECONFIG=%s\n", l.kubeconfig)
	}
	return all, nil
}

func cmdEnv(args []string) error {
	fs, dir, binDir := commonFlags("env")
	fs.Parse(args)
	l, err := newLayout(*dir, *binDir)
	if err != nil {
		return err
	}
	fmt.Printf("KUBECONFIG=%s\n", l.kubeconfig)
	for _, line := range auditEnv(l, l.loadPorts()) {
		fmt.Println(line)
	}
	// Where the portal writes the apiserver's authentication configuration.
	fmt.Printf("AIGOV_DEVCLUSTER_AUTHN_CONFIG=%s\n", l.authnConfigFile())
	return nil
}

// lockBlocking takes an exclusive flock on path, waiting up to timeout.
func lockBlocking(path string, timeout time.Duration) (func(), error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(timeout)
	for {
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err == nil {
			break
		}
		if time.Now().After(deadline) {
			f.Close()
			return nil, fmt.Errorf("%s is locked by another devcluster command", path)
		}
		time.Sleep(200 * time.Millisecond)
	}
	return func() { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
}

var (
	cpuNode = map[string]string{"cpu": "32", "memory": "128Gi", "pods": "110", "ephemeral-storage": "500Gi"}
	gpuNode = map[string]string{"cpu": "64", "memory": "512Gi", "pods": "110", "ephemeral-storage": "1Ti",
		"nvidia.com/gpu": "4", "nvidia.com/mig-1g.5gb": "14", "nvidia.com/mig-2g.10gb": "6", "nvidia.com/mig-3g.20gb": "4"}
	// Capacity of the fake nodes in assets/nodes.yaml.
	nodeStatus = map[string]map[string]map[string]string{
		"devcluster-cpu-1": {"capacity": cpuNode, "allocatable": cpuNode},
		"devcluster-gpu-1": {"capacity": gpuNode, "allocatable": gpuNode},
	}
)

// otherDevclusters lists the --dir of devclusters (found by their etcd
// process) other than root that are running on this machine.
func otherDevclusters(root string) []string {
	var dirs []string
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		args := strings.Split(strings.TrimRight(string(b), "\x00"), "\x00")
		if len(args) < 2 || filepath.Base(args[0]) != "devcluster" || args[1] != "etcd" {
			continue
		}
		for i, a := range args {
			if a == "--data-dir" && i+1 < len(args) {
				dir := filepath.Dir(filepath.Dir(args[i+1])) // <dir>/devcluster/etcd
				if dir != root {
					dirs = append(dirs, dir)
				}
			}
		}
	}
	return dirs
}

// stopOrphans stops devcluster processes whose --dir no longer exists (e.g. a
// CI checkout deleted while its cluster ran), so they do not hold the ports.
func stopOrphans(root string) {
	order := map[string]int{"kwok": 0, "kube-scheduler": 1, "kube-controller-manager": 2, "kube-apiserver": 3, "devcluster": 4}
	type proc struct {
		pid  int
		name string
		dir  string
	}
	var orphans []proc
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		args := strings.Split(strings.TrimRight(string(b), "\x00"), "\x00")
		name := filepath.Base(args[0])
		if _, ok := order[name]; !ok || (name == "devcluster" && (len(args) < 2 || args[1] != "etcd")) {
			continue
		}
		for _, a := range args[1:] {
			if i := strings.Index(a, "/devcluster/"); i > 0 {
				path := a[:i]
				if j := strings.LastIndex(path, "="); j >= 0 {
					path = path[j+1:]
				}
				if filepath.IsAbs(path) && path != root && !fileExists(path) {
					orphans = append(orphans, proc{pid, name, path})
				}
				break
			}
		}
	}
	sort.Slice(orphans, func(i, j int) bool { return order[orphans[i].name] < order[orphans[j].name] })
	for _, o := range orphans {
		fmt.Fprintf(os.Stderr, "stopping %s (pid %d) of a devcluster whose directory %s no longer exists\n", o.name, o.pid, o.dir)
		_ = syscall.Kill(o.pid, syscall.SIGTERM)
		for i := 0; i < 100 && fileExists(fmt.Sprintf("/proc/%d/cmdline", o.pid)); i++ {
			time.Sleep(100 * time.Millisecond)
		}
		_ = syscall.Kill(o.pid, syscall.SIGKILL)
	}
	if len(orphans) > 0 {
		time.Sleep(500 * time.Millisecond)
	}
}

func allPortsFree(l *layout, p ports) bool {
	for _, c := range components(l, p) {
		if portFree(c.port) != nil {
			return false
		}
	}
	return portFree(p.EtcdPeer) == nil
}
