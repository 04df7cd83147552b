package outdir_test

import (
	"fmt"
	"os"
	"path/filepath"

	"cxray/internal/outdir"
)

func Example() {
	out, _ := os.MkdirTemp("", "report")
	defer os.RemoveAll(out)

	d, err := outdir.Create(out)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer d.Close()
	// Write into the staging directory, then move the files into place.
	os.WriteFile(filepath.Join(d.Stage(), "index.html"), []byte("<p>hello</p>"), 0o644)
	if err := d.Publish("index.html"); err != nil {
		fmt.Println(err)
		return
	}
	b, _ := os.ReadFile(filepath.Join(out, "index.html"))
	fmt.Println(string(b))
	// Output: <p>hello</p>
}
