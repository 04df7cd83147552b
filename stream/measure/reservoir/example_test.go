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

// Two parts of a stream sampled apart, each with its own random stream,
// and their union: every class keeps min(capacity, seen) samples, a
// uniform subset of both parts', and From says whose sample each slot
// holds.
func ExampleUnion() {
	capacity := []int{2, 1}
	a := reservoir.NewPart(capacity, 42, 0)
	b := reservoir.NewPart(capacity, 42, 1)
	for _, label := range []int32{0, 1, 0, 0} {
		a.Offer(label)
	}
	for _, label := range []int32{1, 0, 0, 1} {
		b.Offer(label)
	}
	u, from, err := reservoir.Union(a, b)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("seen:", u.Seen(), "class 0:", u.SeenClass(0), "kept:", u.Kept(0), u.Kept(1))
	for slot, f := range from {
		fmt.Printf("slot %d (class %d): twin %v slot %d\n", slot, u.SlotClass(slot), f.Twin, f.Slot)
	}
	// Output:
	// seen: 8 class 0: 5 kept: 2 1
	// slot 0 (class 0): twin false slot 0
	// slot 1 (class 1): twin false slot 1
	// slot 2 (class 0): twin true slot 2
}
