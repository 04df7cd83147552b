package cli_test

import (
	"fmt"
	"os"
	"testing"

	"cxray/cli"
)

// TestMain lets a test run the test binary itself as the cxray command
// (CXRAY_AS_MAIN=1), so that signals can be sent to a real process.
func TestMain(m *testing.M) {
	if os.Getenv("CXRAY_AS_MAIN") == "1" {
		if err := cli.New().Run(append([]string{"cxray"}, os.Args[1:]...)); err != nil {
			fmt.Fprintln(os.Stderr, "cxray:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}
