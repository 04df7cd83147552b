// Command cxray measures how well each layer of a neural network separates
// the classes. Run `cxray --help` for the commands.
package main

import (
	"fmt"
	"os"

	"cxray/cli"
)

func main() {
	if err := cli.New().Run(os.Args); err != nil {
		fmt.Fprintln(os.Stderr, "cxray:", err)
		os.Exit(1)
	}
}
