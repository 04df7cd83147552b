// Package cli holds cxray's commands, built with urfave/cli v2:
//
//	layers   list the tappable layers of an ONNX model
//	analyze  stream a dataset through a model and write the measures of every layer to DuckDB
//	train    train a network on MNIST natively and measure every layer after every epoch
//	study    run the four experiments of Ho (ICPR 2022) into one file, then the report
//	report   write an HTML report with charts of a cxray DuckDB file
//	sql      run a query against a cxray DuckDB file
//	export   write every table and view as Parquet or CSV
//
// The commands only read flags and present results: the measurement
// itself (source → runtime → taps → estimators → store) is package
// stream/analysis, training is runtime/train, the store is package sql.
//
// Every command refuses a positional argument it does not take, since
// urfave/cli stops reading flags at the first one. Commands report
// progress on stderr (a bar on a terminal, plain lines otherwise, nothing
// with --quiet) and print results on stdout. Every failure is one line on
// stderr and a non-zero exit status.
package cli
