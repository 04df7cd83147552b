package runtime

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"cxray/importer"
)

// textRef mirrors fixtures/text/ref.json.
type textRef struct {
	States  []string `json:"states"`
	Batches []struct {
		InputIDs      [][]int64            `json:"input_ids"`
		AttentionMask [][]int64            `json:"attention_mask"`
		Outputs       map[string][]float32 `json:"outputs"`
		Shapes        map[string][]int     `json:"shapes"`
	} `json:"batches"`
}

func readTextRef(t *testing.T) textRef {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "fixtures", "text", "ref.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref textRef
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	return ref
}

func intRows(rows [][]int64) *Tensor {
	t := &Tensor{Shape: []int{len(rows), len(rows[0])}}
	for _, r := range rows {
		t.Int = append(t.Int, r...)
	}
	return t
}

// TestBertTiny runs the BERT-like encoder of fixtures/text (int64
// input_ids and attention_mask, both axes dynamic) at opsets 11, 13 and
// 17 on two batches of different sequence lengths (24 and 10 tokens),
// through one executor, and compares the logits and the hidden states
// with PyTorch's to 1e-4 relative.
func TestBertTiny(t *testing.T) {
	ref := readTextRef(t)
	for _, op := range []int{11, 13, 17} {
		t.Run(fmt.Sprintf("op%d", op), func(t *testing.T) {
			g, err := importer.Load(filepath.Join("..", "fixtures", "text", fmt.Sprintf("bert_tiny_op%d.onnx", op)))
			if err != nil {
				t.Fatal(err)
			}
			e, err := New(g)
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range ref.Batches {
				seq := len(b.InputIDs[0])
				shapes, err := e.OutputShapesOf([][]int{{seq}, {seq}})
				if err != nil {
					t.Fatal(err)
				}
				got := map[string]*Tensor{}
				err = e.RunInputs([]*Tensor{intRows(b.InputIDs), intRows(b.AttentionMask)}, func(name string, tt *Tensor) error {
					if _, ok := b.Outputs[name]; ok {
						got[name] = &Tensor{Shape: append([]int(nil), tt.Shape...), Data: append([]float32(nil), tt.Data...)}
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				for name, want := range b.Outputs {
					g := got[name]
					if g == nil {
						t.Fatalf("seq %d: %q was not tapped", seq, name)
					}
					assertClose(t, fmt.Sprintf("seq %d %s", seq, name), g, b.Shapes[name], want, 1e-4)
					if s := shapes[name]; !equalShape(s, b.Shapes[name][1:]) {
						t.Errorf("seq %d: the shape step gives %q per-sample shape %v, the run %v", seq, name, s, b.Shapes[name][1:])
					}
				}
			}
		})
	}
}
