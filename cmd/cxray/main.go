// Command cxray measures how well each layer of a neural network separates
// the classes. Run `cxray --help` for the commands.
//
// CXRAY_CPUPROFILE=FILE writes a CPU profile of the whole command to FILE,
// for `go tool pprof bin/cxray FILE`.
package main

import (
	"fmt"
	"os"
	"runtime/pprof"

	"cxray/cli"
)

func main() {
	stop, err := profile(os.Getenv("CXRAY_CPUPROFILE"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "cxray:", err)
		os.Exit(1)
	}
	err = cli.New().Run(os.Args)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "cxray:", err)
		os.Exit(1)
	}
}

// profile starts a CPU profile into path, if it is not empty, and returns
// the function that ends it.
func profile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("CXRAY_CPUPROFILE: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("CXRAY_CPUPROFILE %s: %w", path, err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
