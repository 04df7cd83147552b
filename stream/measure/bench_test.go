package measure

import (
	"bytes"
	"os"
	"runtime/debug"
	"strconv"
	"testing"

	"cxray/stream/measure/internal/oracle"
)

// peakRSS returns the process's peak resident set (VmHWM) in bytes, or -1.
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for line := range bytes.Lines(b) {
		if f := bytes.Fields(line); len(f) == 3 && string(f[0]) == "VmHWM:" {
			kb, _ := strconv.ParseInt(string(f[1]), 10, 64)
			return kb << 10
		}
	}
	return -1
}

// resetPeakRSS restarts VmHWM from the current RSS (Linux clear_refs 5).
func resetPeakRSS() { os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// benchMNIST times Value on the first n MNIST training images (784 float32
// pixels each) and reports the exact distances computed, the workspace and
// the process's peak RSS while Value ran (the estimator's points, the
// workspace and the test binary).
func benchMNIST(b *testing.B, n int, m Method) {
	x, y := oracle.MNIST(b, "train", n)
	e := NewExactN1(784, NormNone)
	e.Method = m
	if err := e.Update(x, y); err != nil {
		b.Fatal(err)
	}
	// Measure the estimator, not the loader's copy of the pixels.
	x, y = nil, nil
	debug.FreeOSMemory()
	resetPeakRSS()
	var v float64
	c0 := cpuTime()
	for b.Loop() {
		var err error
		if v, err = e.Value(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((cpuTime()-c0).Seconds()/float64(b.N), "cpu-s/op")
	st := e.Stats()
	b.ReportMetric(v, "N1")
	b.ReportMetric(float64(st.ExactEvals), "exact-dists")
	b.ReportMetric(float64(st.WorkspaceBytes)/(1<<20), "workspace-MB")
	b.ReportMetric(float64(peakRSS())/(1<<20), "peak-RSS-MB")
	b.ReportMetric(st.Prepare.Seconds(), "prepare-s")
	b.ReportMetric(st.Tree.Seconds(), "tree-s")
}

func BenchmarkExactN1MNIST5000(b *testing.B)         { benchMNIST(b, 5000, MethodAuto) }
func BenchmarkExactN1MNIST10000(b *testing.B)        { benchMNIST(b, 10000, MethodAuto) }
func BenchmarkExactN1MNIST5000Stepwise(b *testing.B) { benchMNIST(b, 5000, MethodStepwise) }
func BenchmarkExactN1MNIST2000Dense(b *testing.B)    { benchMNIST(b, 2000, MethodDense) }

// BenchmarkExactN1MNIST5000NoAsm is the build for a machine without AVX2:
// gonum's pure-Go Sgemm and the Go exact distance.
func BenchmarkExactN1MNIST5000NoAsm(b *testing.B) {
	old := haveKernel
	haveKernel = false
	defer func() { haveKernel = old }()
	benchMNIST(b, 5000, MethodAuto)
}

func BenchmarkExactN1MNIST10000Stepwise(b *testing.B) { benchMNIST(b, 10000, MethodStepwise) }

func BenchmarkExactN1MNIST5000Lazy(b *testing.B)  { benchMNIST(b, 5000, MethodLazy) }
func BenchmarkExactN1MNIST10000Lazy(b *testing.B) { benchMNIST(b, 10000, MethodLazy) }

// benchRunning feeds the first n MNIST training images in batches of 64,
// reads Running after every batch and Value at the end.
func benchRunning(b *testing.B, n int) {
	x, y := oracle.MNIST(b, "train", n)
	debug.FreeOSMemory()
	resetPeakRSS()
	var v float64
	var e *ExactN1
	for b.Loop() {
		e = NewExactN1(784, NormNone)
		for i := 0; i < n; i += 64 {
			j := min(n, i+64)
			if err := e.Update(x[i*784:j*784], y[i:j]); err != nil {
				b.Fatal(err)
			}
			if j < 2 {
				continue
			}
			if _, err := e.Running(); err != nil {
				b.Fatal(err)
			}
		}
		var err error
		if v, err = e.Value(); err != nil {
			b.Fatal(err)
		}
	}
	st := e.RunningStats()
	b.ReportMetric(v, "N1")
	b.ReportMetric(float64(st.Ties), "ties")
	b.ReportMetric(float64(st.ExactEvals), "exact-dists")
	b.ReportMetric(float64(peakRSS())/(1<<20), "peak-RSS-MB")
}

func BenchmarkRunningMNIST5000(b *testing.B)      { benchRunning(b, 5000) }
func BenchmarkRunningMNIST10000(b *testing.B)     { benchRunning(b, 10000) }
func BenchmarkExactN1MNIST5000Gram(b *testing.B)  { benchMNIST(b, 5000, MethodGram) }
func BenchmarkExactN1MNIST10000Gram(b *testing.B) { benchMNIST(b, 10000, MethodGram) }
