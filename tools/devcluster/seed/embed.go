// Package seed holds the demo data that `devcluster seed` applies: manifests
// (*.yaml, applied in file-name order) and container logs
// (logs/<namespace>/<container>.log, plain lines, served for every container
// of that name, so container names are unique across namespaces).
package seed

import "embed"

//go:embed *.yaml logs
var Files embed.FS
