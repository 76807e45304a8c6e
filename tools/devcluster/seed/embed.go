// Package seed holds the demo data that `devcluster seed` applies: manifests
// (*.yaml, applied in file-name order) and container logs
// (logs/<namespace>/<container>.log, plain lines, served for every pod of that
// namespace with a container of that name).
package seed

import "embed"

//go:embed *.yaml logs
var Files embed.FS
