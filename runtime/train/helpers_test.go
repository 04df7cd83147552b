package train

import (
	"sync"
	"testing"
)

var mnistOnce struct {
	sync.Once
	train, test *Dataset
	err         error
}

// mnist loads both splits once per test binary, or skips the test when
// the files cannot be found.
func mnist(t testing.TB) (train, test *Dataset) {
	t.Helper()
	mnistOnce.Do(func() {
		if mnistOnce.train, mnistOnce.err = LoadMNIST("train", ""); mnistOnce.err == nil {
			mnistOnce.test, mnistOnce.err = LoadMNIST("test", "")
		}
	})
	if mnistOnce.err != nil {
		t.Skipf("MNIST unavailable: %v", mnistOnce.err)
	}
	return mnistOnce.train, mnistOnce.test
}

func mustArch(t testing.TB, spec string) Arch {
	t.Helper()
	a, err := ParseArch(spec)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func mustNew(t testing.TB, spec string, cfg Config) *Model {
	t.Helper()
	m, err := New(mustArch(t, spec), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func subset(t testing.TB, d *Dataset, n int, seed uint64) *Dataset {
	t.Helper()
	s, err := d.Subset(n, seed)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
