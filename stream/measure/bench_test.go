package measure

import (
	"bytes"
	"os"
	"runtime/debug"
	"strconv"
	"testing"
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
	x, y := mnist(b, "train", n)
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
	for b.Loop() {
		var err error
		if v, err = e.Value(); err != nil {
			b.Fatal(err)
		}
	}
	st := e.Stats()
	b.ReportMetric(v, "N1")
	b.ReportMetric(float64(st.ExactEvals), "exact-dists")
	b.ReportMetric(float64(st.WorkspaceBytes)/(1<<20), "workspace-MB")
	b.ReportMetric(float64(peakRSS())/(1<<20), "peak-RSS-MB")
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
