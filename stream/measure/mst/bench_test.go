package mst

import (
	"bytes"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
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

// benchMNIST times Build and N1 on the first n MNIST training images
// (784 float32 pixels each) and reports the exact distances computed, the
// workspace and the process's peak RSS while it ran (the points, the
// workspace and the test binary).
func benchMNIST(b *testing.B, n int, m Method) {
	x, y := oracle.MNIST(b, "train", n)
	debug.FreeOSMemory()
	resetPeakRSS()
	var v float64
	var st Stats
	c0 := cpuTime()
	for b.Loop() {
		t, err := Build(x, 784, &Options{TieRTol: DefaultTieRTol, Method: m})
		if err != nil {
			b.Fatal(err)
		}
		v = float64(CrossVertices(t.Parent, y)) / float64(n)
		st = t.Stats
	}
	b.ReportMetric((cpuTime()-c0).Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(v, "N1")
	b.ReportMetric(float64(st.ExactEvals), "exact-dists")
	b.ReportMetric(float64(st.WorkspaceBytes)/(1<<20), "workspace-MB")
	b.ReportMetric(float64(peakRSS())/(1<<20), "peak-RSS-MB")
	b.ReportMetric(st.Prepare.Seconds(), "prepare-s")
	b.ReportMetric(st.Tree.Seconds(), "tree-s")
}

func BenchmarkBuildMNIST5000(b *testing.B)         { benchMNIST(b, 5000, Auto) }
func BenchmarkBuildMNIST10000(b *testing.B)        { benchMNIST(b, 10000, Auto) }
func BenchmarkBuildMNIST5000Stepwise(b *testing.B) { benchMNIST(b, 5000, Stepwise) }
func BenchmarkBuildMNIST2000Dense(b *testing.B)    { benchMNIST(b, 2000, Dense) }

// BenchmarkBuildMNIST5000NoAsm is the build for a machine without AVX2:
// gonum's pure-Go Sgemm and the Go exact distance.
func BenchmarkBuildMNIST5000NoAsm(b *testing.B) {
	old := haveKernel
	haveKernel = false
	defer func() { haveKernel = old }()
	benchMNIST(b, 5000, Auto)
}

func BenchmarkBuildMNIST10000Stepwise(b *testing.B) { benchMNIST(b, 10000, Stepwise) }

func BenchmarkBuildMNIST5000Lazy(b *testing.B)  { benchMNIST(b, 5000, Lazy) }
func BenchmarkBuildMNIST10000Lazy(b *testing.B) { benchMNIST(b, 10000, Lazy) }

// benchInsertion inserts the first n MNIST training images in batches of
// 64, reading N1 of the tree after every batch, as a stream read after
// every batch does.
func benchInsertion(b *testing.B, n int) {
	x, y := oracle.MNIST(b, "train", n)
	debug.FreeOSMemory()
	resetPeakRSS()
	var v float64
	var t *Insertion
	for b.Loop() {
		t = NewInsertion(784, DefaultTieRTol, runtime.GOMAXPROCS(0))
		for i := 0; i < n; i += 64 {
			j := min(n, i+64)
			if err := t.Extend(x[:j*784]); err != nil {
				b.Fatal(err)
			}
			v = float64(CrossVertices(t.Parent(), y[:j])) / float64(j)
		}
	}
	b.ReportMetric(v, "N1")
	b.ReportMetric(float64(t.Ties()), "ties")
	b.ReportMetric(float64(t.Evals()), "exact-dists")
	b.ReportMetric(float64(peakRSS())/(1<<20), "peak-RSS-MB")
}

func BenchmarkInsertionMNIST5000(b *testing.B)  { benchInsertion(b, 5000) }
func BenchmarkInsertionMNIST10000(b *testing.B) { benchInsertion(b, 10000) }
func BenchmarkBuildMNIST5000Gram(b *testing.B)  { benchMNIST(b, 5000, Gram) }
func BenchmarkBuildMNIST10000Gram(b *testing.B) { benchMNIST(b, 10000, Gram) }

// BenchmarkProductsMNIST10000 times the float32 products alone: the lower
// triangle of y·yᵀ on the first 10000 MNIST training images, n²·d/2
// multiply-adds, in strips of gramTile rows shared by GOMAXPROCS workers as
// Lazy's first pass takes them. No exact tree can be built faster than its
// products; scripts/bench.py reports this rate as the limit of exact N1.
func BenchmarkProductsMNIST10000(b *testing.B) {
	const n, d = 10000, 784
	x, _ := oracle.MNIST(b, "train", n)
	p := newPoints(x, n, d, nil, true)
	workers := runtime.GOMAXPROCS(0)
	c0 := cpuTime()
	for b.Loop() {
		strips := make(chan int, n/gramTile+1)
		for r0 := 0; r0 < n; r0 += gramTile {
			strips <- r0
		}
		close(strips)
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				g := make([]float32, gramTile*n)
				for r0 := range strips {
					r1 := min(n, r0+gramTile)
					gramStrip(p, r0, r1, r1, g[:(r1-r0)*r1])
				}
			})
		}
		wg.Wait()
	}
	macs := float64(n) * float64(n) * d / 2
	b.ReportMetric(macs/(b.Elapsed().Seconds()/float64(b.N))/1e9, "GMAC/s")
	b.ReportMetric(macs/((cpuTime()-c0).Seconds()/float64(b.N))/1e9, "GMAC/cpu-s")
}
