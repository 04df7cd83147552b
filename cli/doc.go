// Package cli holds cxray's commands, built with urfave/cli v2:
//
//	layers   list the tappable layers of an ONNX model
//	analyze  stream a dataset through a model and write N1 per layer to DuckDB
//	sql      run a query against a cxray DuckDB file
//
// Commands report progress on stderr (a bar on a terminal, plain lines
// otherwise, nothing with --quiet) and print results on stdout. Every
// failure is one line on stderr and a non-zero exit status.
package cli
