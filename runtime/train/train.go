package train

import (
	"fmt"
	"math/rand/v2"
)

// TrainEpoch makes one pass over data in an order shuffled with
// shuffleSeed, one optimizer step per mini-batch; the last batch is
// smaller when the batch size does not divide data.Len() (it runs on a
// graph built for its size). After each step, onStep (which may be nil)
// is called with the number of steps taken since New and the batch's
// loss; an error from it stops the epoch and is returned.
//
// It returns the mean training loss and accuracy over the epoch, each
// batch's measured before its update, as PyTorch loops usually report.
func (m *Model) TrainEpoch(data *Dataset, shuffleSeed uint64, onStep func(step int, loss float64) error) (loss, acc float64, err error) {
	if data.Len() == 0 {
		return 0, 0, fmt.Errorf("train: %s has no samples", data.Name)
	}
	order := make([]int, data.Len())
	for i := range order {
		order[i] = i
	}
	shuffle(rand.New(rand.NewPCG(shuffleSeed, 0x65706f6368)), order) // "epoch"
	var sumLoss float64
	correct := 0
	for lo := 0; lo < len(order); lo += m.cfg.Batch {
		idx := order[lo:min(lo+m.cfg.Batch, len(order))]
		n, err := m.net(len(idx), true)
		if err != nil {
			return 0, 0, err
		}
		data.fill(n.x, n.loss.labels, idx)
		if err := n.run(); err != nil {
			return 0, 0, err
		}
		grads, err := n.gradients(m.params)
		if err != nil {
			return 0, 0, err
		}
		m.opt.step(m.params, grads)
		for _, g := range grads {
			clear(g) // gorgonia adds each step's gradient into its dual value
		}
		m.steps++
		l := n.loss.loss
		sumLoss += l * float64(len(idx))
		correct += n.loss.correct()
		if onStep != nil {
			if err := onStep(m.steps, l); err != nil {
				return 0, 0, err
			}
		}
	}
	return sumLoss / float64(len(order)), float64(correct) / float64(len(order)), nil
}

// evalBatch is the batch size of Evaluate and Forward: large enough for
// throughput, small enough that the im2col columns stay small (25 MB for
// lenet5's first layer).
const evalBatch = 256

// Evaluate returns the mean loss and the accuracy of the model on data,
// in batches of evalBatch on a forward-only gorgonia graph.
func (m *Model) Evaluate(data *Dataset) (loss, acc float64, err error) {
	if data.Len() == 0 {
		return 0, 0, fmt.Errorf("train: %s has no samples", data.Name)
	}
	var sumLoss float64
	correct := 0
	idx := make([]int, 0, evalBatch)
	for lo := 0; lo < data.Len(); lo += evalBatch {
		idx = idx[:0]
		for i := lo; i < min(lo+evalBatch, data.Len()); i++ {
			idx = append(idx, i)
		}
		n, err := m.net(len(idx), false)
		if err != nil {
			return 0, 0, err
		}
		data.fill(n.x, n.loss.labels, idx)
		if err := n.run(); err != nil {
			return 0, 0, err
		}
		sumLoss += n.loss.loss * float64(len(idx))
		correct += n.loss.correct()
	}
	return sumLoss / float64(data.Len()), float64(correct) / float64(data.Len()), nil
}

// Forward returns the logits [n, Classes] of the n samples in x
// ([n, 1, 28, 28], values as Dataset.Float gives them), computed by
// gorgonia.
func (m *Model) Forward(x []float32, n int) ([]float32, error) {
	if n < 1 || len(x) != n*sampleLen {
		return nil, fmt.Errorf("train: Forward got %d values for %d samples; want %d per sample", len(x), n, sampleLen)
	}
	out := make([]float32, 0, n*Classes)
	for lo := 0; lo < n; lo += evalBatch {
		k := min(evalBatch, n-lo)
		nt, err := m.net(k, false)
		if err != nil {
			return nil, err
		}
		copy(nt.x, x[lo*sampleLen:(lo+k)*sampleLen])
		clear(nt.loss.labels)
		if err := nt.run(); err != nil {
			return nil, err
		}
		out = append(out, nt.loss.logits...)
	}
	return out, nil
}
