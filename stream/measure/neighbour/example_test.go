package neighbour_test

import (
	"fmt"

	"cxray/stream/measure/neighbour"
)

// Two classes on a line, with one point of class 1 (2.5) inside class 0.
// The tree is the chain 0-1-2-2.5-3-10-11-12; its cross edges touch 2,
// 2.5, 3 and 10, so N1 = 4/8. The 1-NN errors are 2, 3 and 2.5 (whose
// tie between 2 and 3 goes to the lower index), so N3 = 3/8.
func Example() {
	x := []float32{0, 1, 2, 3, 10, 11, 12, 2.5}
	y := []int32{0, 0, 0, 0, 1, 1, 1, 1}
	o := neighbour.DefaultOptions()
	nb, err := neighbour.Build(x, 1, y, &o)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("N1 %.4f N2 %.4f N3 %.4f LSC %.4f T1 %.4f\n", nb.N1(), nb.N2(), nb.N3(), nb.LSC(), nb.T1())
	fmt.Println(o.Params()["distance"], o.Params()["tie_rule"])
	// Output:
	// N1 0.5000 N2 0.4116 N3 0.3750 LSC 0.7188 T1 0.5000
	// euclidean dcol-prim
}
