package train_test

import (
	"fmt"
	"log"

	"cxray/runtime"
	"cxray/runtime/train"
)

// Train a small MLP for one epoch on 1000 MNIST images, then run the
// exported graph with cxray's own executor, as the analyze path does.
func Example() {
	arch, err := train.ParseArch("mlp:64")
	if err != nil {
		log.Fatal(err)
	}
	m, err := train.New(arch, train.Config{Seed: 1}) // adam, lr 2e-3, batch 64
	if err != nil {
		log.Fatal(err)
	}
	all, err := train.LoadMNIST("train", "") // finds the files as cxray analyze does
	if err != nil {
		log.Fatal(err)
	}
	data, err := all.Subset(1000, 1) // 100 images per digit
	if err != nil {
		log.Fatal(err)
	}
	loss, _, err := m.TrainEpoch(data, 1, func(step int, loss float64) error {
		return nil // e.g. measure m.Graph() every k steps
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d steps, mean loss below 2: %v\n", m.Steps(), loss < 2)

	g, err := m.Graph()
	if err != nil {
		log.Fatal(err)
	}
	e, err := runtime.New(g)
	if err != nil {
		log.Fatal(err)
	}
	x := &runtime.Tensor{Shape: []int{2, 1, 28, 28}, Data: data.Float(0, 2)}
	err = e.Run(x, func(name string, t *runtime.Tensor) error {
		fmt.Println(name, t.Shape)
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// 16 steps, mean loss below 2: true
	// flatten [2 784]
	// fc1 [2 64]
	// fc1_relu [2 64]
	// output [2 10]
}
