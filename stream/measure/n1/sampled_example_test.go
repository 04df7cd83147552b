package n1_test

import (
	"fmt"
	"math/rand/v2"

	"cxray/stream/measure"
	"cxray/stream/measure/n1"
	"cxray/stream/measure/reservoir"
)

// Every layer of a run gets a SampledN1 on the same Sampler: the batch is
// offered once, and each layer stores its own activations of the kept
// samples. Here one "layer": 20000 points in the unit square, labelled by
// the side of x = 0.5 with 1% label noise, of which 1000 are kept. N1 of
// the 1000 overstates N1 of the stream; Estimate corrects for the sample
// size and gives an interval.
func ExampleSampledN1() {
	const n, dim = 20000, 2
	rng := rand.New(rand.NewPCG(1, 2))
	s := reservoir.New(reservoir.StratifiedCapacity(1000, 2), 7)
	e := n1.NewSampledN1(dim, s, nil, measure.NormNone)
	exact := n1.NewExactN1(dim, measure.NormNone) // for comparison only
	x := make([]float32, 0, 100*dim)
	y := make([]int32, 0, 100)
	var slots []int
	for range n / 100 {
		x, y = x[:0], y[:0]
		for range 100 {
			a, b := rng.Float64(), rng.Float64()
			label := int32(0)
			if a > 0.5 {
				label = 1
			}
			if rng.Float64() < 0.01 {
				label = 1 - label
			}
			x = append(x, float32(a), float32(b))
			y = append(y, label)
		}
		var err error
		if slots, err = s.OfferBatch(slots, y); err != nil {
			fmt.Println(err)
			return
		}
		if err := e.Update(measure.Batch{X: x, Labels: y, Slots: slots}); err != nil {
			fmt.Println(err)
			return
		}
		if err := exact.Update(measure.Batch{X: x, Labels: y}); err != nil {
			fmt.Println(err)
			return
		}
	}
	r, err := e.Estimate()
	if err != nil {
		fmt.Println(err)
		return
	}
	v, err := exact.Value()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s N1 from %d of %d points\n", r.Method, r.N, r.Seen)
	fmt.Printf("N1 of the sample %.3f, estimate %.3f, exact %.3f\n", r.Params["n1_sample"], r.Value, v)
	fmt.Println("interval covers the exact value:", r.CILow <= v && v <= r.CIHigh)
	// Output:
	// sampled N1 from 1000 of 20000 points
	// N1 of the sample 0.048, estimate 0.041, exact 0.034
	// interval covers the exact value: true
}
