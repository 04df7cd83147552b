package source_test

import (
	"fmt"
	"io"
	"log"

	"cxray/stream/source"
)

// Read the first 10 MNIST test digits in batches of 4.
func Example() {
	src, err := source.Open("mnist", source.Options{Split: "test", Limit: 10})
	if err != nil {
		log.Fatal(err)
	}
	defer src.Close()
	fmt.Println(src.Name(), src.SampleShape(), src.Len(), "samples")

	var b source.Batch // reused by every call
	for {
		err := src.Next(&b, 4)
		if err == io.EOF {
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(b.N, "samples, labels", b.Labels[:b.N])
	}
	// Output:
	// mnist/test [1 28 28] 10 samples
	// 4 samples, labels [7 2 1 0]
	// 4 samples, labels [4 1 4 9]
	// 2 samples, labels [5 9]
}
