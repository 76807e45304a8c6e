// devcluster runs a real Kubernetes control plane on the loopback interface
// for development and tests: embedded etcd, kube-apiserver,
// kube-controller-manager and kube-scheduler built from the Kubernetes Go
// modules, and kwok as the kubelet of fake nodes.
//
//	devcluster up [--dir .dev] [--fresh] [--port-base 27000]
//	devcluster down [--dir .dev]
//	devcluster status [--dir .dev]
//	devcluster seed [--dir .dev]
//	devcluster log-append [--dir .dev] [--stderr] [--previous] NS POD CONTAINER [LINE...]
//	devcluster env [--dir .dev]
//	devcluster check-auth-config FILE...
package main

import (
	"fmt"
	"os"
)

func usage() {
	fmt.Fprint(os.Stderr, `devcluster: a real Kubernetes control plane for development and tests

Usage:
  devcluster up [--dir .dev] [--fresh] [--port-base N] [--bin-dir DIR]
        start etcd, kube-apiserver, kube-controller-manager, kube-scheduler
        and kwok in the background, wait until healthy, write DIR/kubeconfig
  devcluster down [--dir .dev]          stop all processes (data is kept)
  devcluster status [--dir .dev]        show processes and health; exit 1 unless all healthy
  devcluster seed [--dir .dev]          apply the demo data (idempotent)
  devcluster log-append [--dir .dev] [--stderr] [--previous] NS POD CONTAINER [LINE...]
        append lines (arguments, or stdin) to a pod container's log
  devcluster env [--dir .dev]           print KUBECONFIG=... and AIGOV_APISERVER_AUDIT_*=...
        (where the portal receives the apiserver's audit events)
  devcluster check-auth-config FILE...
        decode and validate each file as kube-apiserver's --authentication-config
        (AuthenticationConfiguration, apiserver.config.k8s.io/v1); exit 1 naming each error
`)
}

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	var err error
	switch cmd, args := os.Args[1], os.Args[2:]; cmd {
	case "up":
		err = cmdUp(args)
	case "down":
		err = cmdDown(args)
	case "status":
		var healthy bool
		healthy, err = cmdStatus(args)
		if err == nil && !healthy {
			os.Exit(1)
		}
	case "seed":
		err = cmdSeed(args)
	case "log-append":
		err = cmdLogAppend(args)
	case "env":
		err = cmdEnv(args)
	case "etcd":
		err = runEtcd(args)
	case "check-auth-config":
		err = cmdCheckAuthConfig(args)
	case "-h", "--help", "help":
		usage()
	default:
		fmt.Fprintf(os.Stderr, "devcluster: unknown command %q\n\n", cmd)
		usage()
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "devcluster: %v\n", err)
		os.Exit(1)
	}
}
