package tap

import (
	"fmt"
	"strings"
)

// Pool is how a token layer, one of tokens × features per sample (the
// hidden states of a Transformer over token ids), becomes one point per
// sample.
type Pool int

const (
	// PoolMean is the mean over the tokens the attention mask keeps, or
	// over all tokens when the model has no mask input: the sentence
	// embedding of sentence-transformers.
	PoolMean Pool = iota
	// PoolCLS is the first token, BERT's [CLS].
	PoolCLS
	// PoolLast is the last token the attention mask keeps (the last
	// token without a mask), as decoder models summarize a sequence.
	PoolLast
	// PoolFlatten keeps every value, tokens × features, as a layer of
	// any other shape is measured.
	PoolFlatten
)

var poolNames = [...]string{PoolMean: "mean", PoolCLS: "cls", PoolLast: "last", PoolFlatten: "flatten"}

func (p Pool) String() string {
	if p >= 0 && int(p) < len(poolNames) {
		return poolNames[p]
	}
	return fmt.Sprintf("Pool(%d)", int(p))
}

// ParsePool reads --pool: mean, cls (or first), last or flatten.
func ParsePool(s string) (Pool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "mean":
		return PoolMean, nil
	case "cls", "first":
		return PoolCLS, nil
	case "last":
		return PoolLast, nil
	case "flatten":
		return PoolFlatten, nil
	}
	return 0, fmt.Errorf("--pool %q: use mean, cls (or first), last or flatten", s)
}

// AppendPooled appends one point per sample of x, which holds n samples
// of tokens × features values, row-major, to dst. mask, when not nil,
// holds n × tokens values, nonzero on the tokens to keep; a sample that
// keeps none cannot be pooled by mean or last, and is an error naming it
// (first is its index in the stream). The mean is summed in float64.
func (p Pool) AppendPooled(dst, x []float32, n, tokens, features int, mask []float32, first int) ([]float32, error) {
	if p == PoolFlatten {
		return append(dst, x[:n*tokens*features]...), nil
	}
	var sum []float64
	if p == PoolMean {
		sum = make([]float64, features)
	}
	for s := range n {
		rows := x[s*tokens*features : (s+1)*tokens*features]
		var keep []float32
		if mask != nil {
			keep = mask[s*tokens : (s+1)*tokens]
		}
		switch p {
		case PoolCLS:
			dst = append(dst, rows[:features]...)
			continue
		case PoolLast:
			t := tokens - 1
			for keep != nil && t >= 0 && keep[t] == 0 {
				t--
			}
			if t < 0 {
				return dst, emptyMask(first + s)
			}
			dst = append(dst, rows[t*features:(t+1)*features]...)
			continue
		}
		clear(sum)
		kept := 0
		for t := range tokens {
			if keep != nil && keep[t] == 0 {
				continue
			}
			kept++
			for j, v := range rows[t*features : (t+1)*features] {
				sum[j] += float64(v)
			}
		}
		if kept == 0 {
			return dst, emptyMask(first + s)
		}
		for _, v := range sum {
			dst = append(dst, float32(v/float64(kept)))
		}
	}
	return dst, nil
}

func emptyMask(sample int) error {
	return fmt.Errorf("sample %d: its attention mask keeps no token, so --pool mean and last have nothing to pool; drop the sample or use --pool cls", sample)
}

// MarkTokens makes the layers of a model over token ids whose per-sample
// shape is tokens × features token layers, pooled by p: their Dim
// becomes features (tokens × features for PoolFlatten). The model's
// inputs (OpType "Input") stay as they are.
func MarkTokens(layers []Layer, tokens int, p Pool) {
	for i := range layers {
		l := &layers[i]
		if l.OpType == "Input" || len(l.Shape) != 2 || l.Shape[0] != tokens || tokens < 1 {
			continue
		}
		l.Tokens, l.Pool = tokens, p
		if p != PoolFlatten {
			l.Dim = l.Shape[1]
		}
	}
}
