package feature_test

import (
	"fmt"

	"cxray/internal/fixture"
	"cxray/stream/measure"
	"cxray/stream/measure/feature"
)

// The class moments of iris, streamed in batches of 50, give the
// feature-overlap, balance and dimensionality measures without keeping the
// points. ECoL publishes F1 0.05862828, F2 0.006381766, T2 0.02666667,
// T3 0.01333333 and T4 0.5 on iris.
func ExampleMoments() {
	x64, y, dim, err := fixture.CSV("fixtures/iris.csv", "species", 32)
	if err != nil {
		fmt.Println(err)
		return
	}
	x := fixture.Float32(x64)
	m := feature.NewMoments(dim, true)
	for lo := 0; lo < len(y); lo += 50 {
		if err := m.Update(measure.Batch{X: x[lo*dim : (lo+50)*dim], Labels: y[lo : lo+50]}); err != nil {
			fmt.Println(err)
			return
		}
	}
	t3, t4 := feature.T3T4(m)
	fmt.Printf("F1 %.8f  F2 %.7f  C1 %.0f  T2 %.4f  T3 %.4f  T4 %.2f\n",
		feature.F1(m), feature.F2(m), feature.C1(m.Counts()), feature.T2(m), t3, t4)
	// Output:
	// F1 0.05862828  F2 0.0063818  C1 1  T2 0.0267  T3 0.0133  T4 0.50
}

// Columns gives a normalisation's weights: 1/(max−min) per feature, 0 for
// a constant one.
func ExampleColumns_Weights() {
	x := []float32{0, 5, 1, 2, 5, 1, 4, 5, 7} // three points of three features
	c := feature.Of(x, 3, feature.Range)
	fmt.Println(c.Min, c.Max, c.Weights(measure.NormMinMax))
	// Output:
	// [0 5 1] [4 5 7] [0.25 0 0.16666666666666666]
}

// The class moments of iris measured in three parts, as three shards of a
// dataset would be, shipped as bytes and merged: the measures read from
// the merged state are those of the whole set (ECoL publishes F1v
// 0.009504561 on iris).
func ExampleMoments_Merge() {
	x64, y, dim, err := fixture.CSV("fixtures/iris.csv", "species", 32)
	if err != nil {
		fmt.Println(err)
		return
	}
	x := fixture.Float32(x64)
	var shipped [][]byte
	for lo := 0; lo < len(y); lo += 50 {
		part := feature.NewMoments(dim, true)
		if err := part.Update(measure.Batch{X: x[lo*dim : (lo+50)*dim], Labels: y[lo : lo+50]}); err != nil {
			fmt.Println(err)
			return
		}
		b, err := part.MarshalBinary()
		if err != nil {
			fmt.Println(err)
			return
		}
		shipped = append(shipped, b)
	}
	whole := feature.NewMoments(dim, true)
	for _, b := range shipped {
		var part feature.Moments
		if err := part.UnmarshalBinary(b); err != nil {
			fmt.Println(err)
			return
		}
		if err := whole.Merge(&part); err != nil {
			fmt.Println(err)
			return
		}
	}
	t3, t4 := feature.T3T4(whole)
	fmt.Printf("%d points; F1 %.8f  F1v %.7f  F2 %.7f  T3 %.4f  T4 %.2f\n",
		whole.Len(), feature.F1(whole), feature.F1v(whole), feature.F2(whole), t3, t4)
	// Output:
	// 150 points; F1 0.05862828  F1v 0.0095046  F2 0.0063818  T3 0.0133  T4 0.50
}
