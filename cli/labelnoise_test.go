package cli_test

import (
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strconv"
	"testing"

	"cxray/internal/fixture"
	"cxray/runtime"
	"cxray/stream/analysis"
)

// auroc is the area under the ROC curve of score for the positives
// (Mann–Whitney: the probability that a positive scores above a negative,
// ties counting one half).
func auroc(score []float64, pos []bool) float64 {
	type sv struct {
		s float64
		p bool
	}
	v := make([]sv, len(score))
	for i := range score {
		v[i] = sv{score[i], pos[i]}
	}
	sort.Slice(v, func(a, b int) bool { return v[a].s < v[b].s })
	// Sum of the positives' mid-ranks.
	var rankSum float64
	np := 0
	for i := 0; i < len(v); {
		j := i
		for j < len(v) && v[j].s == v[i].s {
			j++
		}
		mid := float64(i+j+1) / 2
		for k := i; k < j; k++ {
			if v[k].p {
				rankSum += mid
				np++
			}
		}
		i = j
	}
	nn := len(v) - np
	return (rankSum - float64(np*(np+1))/2) / float64(np*nn)
}

// precisionAtK is the fraction of positives among the k highest scores,
// ties at the cut shared in proportion.
func precisionAtK(score []float64, pos []bool, k int) float64 {
	idx := make([]int, len(score))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return score[idx[a]] > score[idx[b]] })
	cut := score[idx[k-1]]
	var hits, above, tiedPos, tied float64
	for _, i := range idx {
		switch {
		case score[i] > cut:
			above++
			if pos[i] {
				hits++
			}
		case score[i] == cut:
			tied++
			if pos[i] {
				tiedPos++
			}
		}
	}
	return (hits + (float64(k)-above)*tiedPos/tied) / float64(k)
}

// softmaxConfidence runs the model on the first n MNIST test images and
// returns the softmax probability of the given label of each: the
// model's own confidence in it.
func softmaxConfidence(t *testing.T, model string, n int, given []int32) []float64 {
	t.Helper()
	m, err := analysis.LoadModel(model, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	x, _, err := fixture.MNIST("t10k", n)
	if err != nil {
		t.Skip(err)
	}
	conf := make([]float64, n)
	const batch = 500
	for at := 0; at < n; at += batch {
		in := &runtime.Tensor{Shape: []int{batch, 1, 28, 28}, Data: x[at*784 : (at+batch)*784]}
		err := m.Exec.Run(in, func(name string, out *runtime.Tensor) error {
			if name != "output" {
				return nil
			}
			for i := range batch {
				z := out.Data[i*10 : (i+1)*10]
				top := math.Inf(-1)
				for _, v := range z {
					top = max(top, float64(v))
				}
				var sum float64
				for _, v := range z {
					sum += math.Exp(float64(v) - top)
				}
				conf[at+i] = math.Exp(float64(z[given[at+i]])-top) / sum
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return conf
}

// Label noise, measured: the bundled LeNet-5 on the first 2000 MNIST test
// images with 2% of the labels flipped (seed 11). Flipped samples stand
// out in the per-sample rows of the last hidden layer: their nearest
// neighbours are of another class. The README reports these numbers.
func TestLabelNoiseFound(t *testing.T) {
	if testing.Short() {
		t.Skip("runs LeNet-5 on 2000 MNIST images")
	}
	const n = 2000
	model := filepath.Join(models, "lenet5_mnist.onnx")
	db := filepath.Join(t.TempDir(), "noise.duckdb")
	if _, stderr, err := run(t, "analyze", "--quiet", "--model", model, "--data", "mnist", "--limit", strconv.Itoa(n),
		"--label-noise", "0.02", "--seed", "11", "--samples", "on", "--db", db); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	type layerScores struct {
		ratio, boundary, nnOther []float64
	}
	var flipped []bool
	var given []int32
	byLayer := map[int]*layerScores{}
	for _, r := range query(t, db, `SELECT layer_index, sample, label, flipped, coalesce(n2_ratio, 'Infinity'::DOUBLE) AS r,
		on_boundary::INT AS b, nn_other::INT AS o FROM samples WHERE layer_index IN (11, 12) ORDER BY layer_index, sample`) {
		l := int(r["layer_index"].(float64))
		if byLayer[l] == nil {
			byLayer[l] = &layerScores{}
		}
		s := byLayer[l]
		ratio, ok := r["r"].(float64)
		if !ok {
			ratio = math.Inf(1) // JSON has no infinity
		}
		s.ratio = append(s.ratio, ratio)
		s.boundary = append(s.boundary, r["b"].(float64))
		s.nnOther = append(s.nnOther, r["o"].(float64))
		if l == 11 {
			flipped = append(flipped, r["flipped"].(bool))
			c, _ := strconv.Atoi(r["label"].(string))
			given = append(given, int32(c))
		}
	}
	k := 0
	for _, f := range flipped {
		if f {
			k++
		}
	}
	if len(flipped) != n || k != 40 {
		t.Fatalf("%d samples with %d flipped, want %d with 40", len(flipped), k, n)
	}
	conf := softmaxConfidence(t, model, n, given)
	doubt := make([]float64, n)
	for i, c := range conf {
		doubt[i] = -c
	}
	report := func(name string, score []float64) float64 {
		a := auroc(score, flipped)
		t.Logf("%-52s AUROC %.4f, precision at k=%d %.3f", name, a, k, precisionAtK(score, flipped, k))
		return a
	}
	names := map[int]string{11: "last hidden layer (classifier.3 ReLU, 84)", 12: "output (logits, 10)"}
	var best float64
	for _, l := range []int{11, 12} {
		s := byLayer[l]
		a := report(fmt.Sprintf("n2_ratio, %s", names[l]), s.ratio)
		if l == 11 {
			best = a
		}
		report(fmt.Sprintf("on_boundary, %s", names[l]), s.boundary)
		report(fmt.Sprintf("nn_other, %s", names[l]), s.nnOther)
	}
	report("1 - softmax confidence in the given label", doubt)
	if best < 0.95 {
		t.Errorf("n2_ratio at the last hidden layer ranks the flipped samples with AUROC %.4f, want ≥ 0.95", best)
	}
}

// The scores' helpers against cases worked by hand.
func TestAUROCAndPrecision(t *testing.T) {
	pos := []bool{true, false, true, false}
	if a := auroc([]float64{4, 3, 2, 1}, pos); a != 0.75 {
		t.Errorf("AUROC %v, want 0.75", a)
	}
	if a := auroc([]float64{1, 1, 1, 1}, pos); a != 0.5 {
		t.Errorf("AUROC of ties %v, want 0.5", a)
	}
	if p := precisionAtK([]float64{4, 3, 2, 1}, pos, 2); p != 0.5 {
		t.Errorf("precision %v, want 0.5", p)
	}
	if p := precisionAtK([]float64{1, 1, 0, 0}, []bool{true, false, false, false}, 1); p != 0.5 {
		t.Errorf("precision with a tie at the cut %v, want 0.5", p)
	}
}
