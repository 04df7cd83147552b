// Command forward times cxray's forward pass for scripts/bench.py.
//
// It runs an ONNX model over a file of samples in batches, with a tap that
// does nothing (so that the cost of handing out every node output counts,
// as in cxray analyze), and prints the throughput as one JSON object:
//
//	forward -model M.onnx -input X.f32 -shape 1,28,28 [-batch 64] [-seconds 2] [-check Y.f32 -check-batches 10]
//
// X.f32 holds N samples of the given shape as raw little-endian float32;
// only whole batches are used. The first pass over all batches is a
// warm-up, untimed; then the batches are run in a cycle until -seconds
// have passed. With -check, the graph output of the first -check-batches
// batches is written to Y.f32 (raw float32), so that the caller can
// compare it with another implementation before trusting the timing.
package main

import (
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"cxray/importer"
	"cxray/runtime"
)

func main() {
	model := flag.String("model", "", "ONNX model `FILE`")
	input := flag.String("input", "", "samples as raw little-endian float32 `FILE`")
	shape := flag.String("shape", "", "per-sample `SHAPE`, comma-separated (1,28,28 or 784)")
	batch := flag.Int("batch", 64, "batch `SIZE`")
	seconds := flag.Float64("seconds", 2, "time the loop for at least `S` seconds")
	check := flag.String("check", "", "write the graph output of the first batches to `FILE`")
	checkBatches := flag.Int("check-batches", 10, "how many batches -check writes")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the whole run (warm-up included) to `FILE`")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "forward:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	if err := run(*model, *input, *shape, *batch, *seconds, *check, *checkBatches); err != nil {
		fmt.Fprintln(os.Stderr, "forward:", err)
		os.Exit(1)
	}
}

func run(model, input, shape string, batch int, seconds float64, check string, checkBatches int) error {
	if model == "" || input == "" || shape == "" || batch < 1 {
		return fmt.Errorf("-model, -input, -shape and a positive -batch are required")
	}
	var sample []int
	for _, f := range strings.Split(shape, ",") {
		d, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || d < 1 {
			return fmt.Errorf("bad -shape %q", shape)
		}
		sample = append(sample, d)
	}
	size := 1
	for _, d := range sample {
		size *= d
	}
	g, err := importer.Load(model)
	if err != nil {
		return err
	}
	e, err := runtime.New(g)
	if err != nil {
		return err
	}
	raw, err := os.ReadFile(input)
	if err != nil {
		return err
	}
	n := len(raw) / 4 / size / batch * batch
	if n == 0 {
		return fmt.Errorf("%s holds fewer than %d samples of shape %v", input, batch, sample)
	}
	// Every batch is its own tensor, built before timing, as the PyTorch
	// side does: the loop times the forward pass only.
	var batches []*runtime.Tensor
	for s := 0; s < n; s += batch {
		data := make([]float32, batch*size)
		for i := range data {
			data[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*(s*size+i):]))
		}
		batches = append(batches, &runtime.Tensor{Shape: append([]int{batch}, sample...), Data: data})
	}
	outName := ""
	if len(g.Outputs) > 0 {
		outName = g.Outputs[0].Name
	}
	var outs []byte
	nop := func(string, *runtime.Tensor) error { return nil }
	// The warm-up pass also collects the outputs to check.
	for i, x := range batches {
		tap := nop
		if check != "" && i < checkBatches {
			tap = func(name string, t *runtime.Tensor) error {
				if name == outName {
					for _, v := range t.Data {
						outs = binary.LittleEndian.AppendUint32(outs, math.Float32bits(v))
					}
				}
				return nil
			}
		}
		if err := e.Run(x, tap); err != nil {
			return err
		}
	}
	if check != "" {
		if len(outs) == 0 {
			return fmt.Errorf("the model's output %q was never tapped", outName)
		}
		if err := os.WriteFile(check, outs, 0o644); err != nil {
			return err
		}
	}
	runs := 0
	start := time.Now()
	for time.Since(start).Seconds() < seconds {
		if err := e.Run(batches[runs%len(batches)], nop); err != nil {
			return err
		}
		runs++
	}
	elapsed := time.Since(start).Seconds()
	return json.NewEncoder(os.Stdout).Encode(map[string]any{
		"samples_per_s": float64(runs*batch) / elapsed,
		"batches":       runs,
		"batch":         batch,
		"seconds":       elapsed,
	})
}
