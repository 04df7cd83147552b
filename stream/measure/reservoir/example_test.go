package reservoir_test

import (
	"fmt"

	"cxray/stream/measure/reservoir"
)

// A sampler with two slots for class 0 and one for class 1. While a class
// has free slots its samples are kept in arrival order; after that each
// new sample replaces a random slot of its own class, or is dropped.
func ExampleSampler() {
	s := reservoir.New([]int{2, 1}, 42)
	var slots []int
	for _, label := range []int32{0, 1, 0, 1, 0, 0, 1} {
		slots = append(slots, s.Offer(label))
	}
	fmt.Println("slots:", slots)
	fmt.Println("seen:", s.Seen(), "class 0:", s.SeenClass(0), "kept:", s.Kept(0), s.Kept(1))
	fmt.Println(reservoir.StratifiedCapacity(1000, 3))
	// Output:
	// slots: [0 1 2 -1 -1 2 -1]
	// seen: 7 class 0: 4 kept: 2 1
	// [334 333 333]
}
