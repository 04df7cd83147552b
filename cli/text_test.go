package cli_test

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cxray/internal/fixture"
)

const text = "../fixtures/text/"

// textN1 reads N1 of PyTorch's hidden states from fixtures/text/ref.json:
// layer -> pool -> N1.
func textN1(t *testing.T) (map[string]map[string]float64, int) {
	t.Helper()
	raw, err := os.ReadFile(text + "ref.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Seq int                                        `json:"seq"`
		N1  map[string]map[string]struct{ N1 float64 } `json:"n1"`
	}
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]float64{}
	for l, pools := range ref.N1 {
		out[l] = map[string]float64{}
		for p, v := range pools {
			out[l][p] = v.N1
		}
	}
	return out, ref.Seq
}

// textParquet writes the token dataset of fixtures/text as Parquet list
// columns, each sequence cut to the tokens its mask keeps, so that the
// lists have different lengths.
func textParquet(t *testing.T, dir string) string {
	ids, shape, err := fixture.NPY("fixtures/text/input_ids.npy")
	if err != nil {
		t.Fatal(err)
	}
	mask, _, err := fixture.NPY("fixtures/text/attention_mask.npy")
	if err != nil {
		t.Fatal(err)
	}
	labels, _, err := fixture.NPY("fixtures/text/labels.npy")
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	for i := range shape[0] {
		var tok, m []string
		for k := range shape[1] {
			if mask[i*shape[1]+k] != 0 {
				tok = append(tok, fmt.Sprint(ids[i*shape[1]+k]))
				m = append(m, "1")
			}
		}
		rows = append(rows, fmt.Sprintf("(%d, [%s], [%s], %d)", i, strings.Join(tok, ","), strings.Join(m, ","), int(labels[i])))
	}
	p := filepath.Join(dir, "text.parquet")
	duckExec(t, `COPY (SELECT input_ids::BIGINT[] AS input_ids, attention_mask::TINYINT[] AS attention_mask, label FROM (VALUES `+
		strings.Join(rows, ", ")+`) s(i, input_ids, attention_mask, label) ORDER BY i) TO '`+p+`' (FORMAT parquet, ROW_GROUP_SIZE 64)`)
	return p
}

// TestAnalyzeTokenModel measures the BERT-like encoder of fixtures/text
// (int64 input_ids and attention_mask, a dynamic sequence axis) on its
// 300 token sequences, fed as one NPY file per input and as Parquet list
// columns of different lengths, under every --pool: N1 of each hidden
// state equals N1 of PyTorch's own hidden states, pooled the same way, in
// float64 (fixtures/text/make_text.py), and the rows say how they were
// pooled.
func TestAnalyzeTokenModel(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping in -short mode: 14 runs of a text encoder")
	}
	want, seq := textN1(t)
	dir := t.TempDir()
	npy := "npy:" + text + "input_ids.npy+" + text + "attention_mask.npy," + text + "labels.npy"
	pq := "parquet:" + textParquet(t, dir)
	db := filepath.Join(dir, "t.duckdb")
	for _, c := range []struct {
		data, model string
		pools       []string
	}{
		{npy, "bert_tiny_op17.onnx", []string{"mean", "cls", "last", "flatten"}},
		{npy, "bert_tiny_op11.onnx", []string{"mean"}},
		{npy, "bert_tiny_op13.onnx", []string{"last"}},
		// The lists are padded to the longest, 24 tokens, and the mask
		// keeps the padding out of mean and last.
		{pq, "bert_tiny_op17.onnx", []string{"mean", "cls", "last", "flatten"}},
	} {
		for _, pool := range c.pools {
			name := c.model + " " + c.data + " " + pool
			args := []string{"analyze", "--quiet", "--model", text + c.model, "--data", c.data, "--layers", "emb,layer1,layer2",
				"--pool", pool, "--db", db, "--run", name}
			if strings.HasPrefix(c.data, "parquet:") {
				args = append(args, "--features", "input_ids,attention_mask")
			}
			if _, stderr, err := run(t, args...); err != nil {
				t.Fatalf("%s: %v\n%s", name, err, stderr)
			}
			rows := query(t, db, `SELECT m.layer_name, m.value, m.method, m.params->>'pool' AS pool, (m.params->>'tokens')::INT AS tokens, l.dim, l.shape
				FROM metrics m JOIN runs r USING (run_id) JOIN layers l USING (run_id, layer_index) WHERE r.name = '`+name+`' ORDER BY m.layer_index`)
			if len(rows) != 3 {
				t.Fatalf("%s: rows %v", name, rows)
			}
			for _, r := range rows {
				l := r["layer_name"].(string)
				if v := r["value"].(float64); math.Abs(v-want[l][pool]) > 1e-12 || r["method"] != "exact" {
					t.Errorf("%s, %s: N1 %.6f (%v); PyTorch's hidden states give %.6f", name, l, v, r["method"], want[l][pool])
				}
				dim := 16.0
				if pool == "flatten" {
					dim = float64(16 * seq)
				}
				if r["pool"] != pool || r["tokens"] != float64(seq) || r["dim"] != dim {
					t.Errorf("%s, %s: params pool %v, tokens %v, dim %v; want %s, %d, %v", name, l, r["pool"], r["tokens"], r["dim"], pool, seq, dim)
				}
			}
		}
	}
}

// Token data that does not fit the model stops before a run starts, in
// one line that names what to do.
func TestAnalyzeTokenErrors(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "e.duckdb")
	ids, mask, labels := text+"input_ids.npy", text+"attention_mask.npy", text+"labels.npy"
	floats := filepath.Join(dir, "input_ids.npy")
	// Token ids as float64 with one that is not an integer.
	var v []float64
	for i := range 300 * 24 {
		v = append(v, float64(i%50))
	}
	v[24*7+3] = 2.5
	writeNPY(t, floats, "<f8", []int{300, 24}, v)
	pq := textParquet(t, dir)
	bert := text + "bert_tiny_op17.onnx"
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"no mask", []string{"--model", bert, "--data", "npy:" + ids + "," + labels},
			`model ../fixtures/text/bert_tiny_op17.onnx takes 2 inputs, input_ids (INT64 [batch seq]), attention_mask (INT64 [batch seq]); --data npy:../fixtures/text/input_ids.npy,../fixtures/text/labels.npy gives one array per sample: give one per input, named after it`},
		{"missing input", []string{"--model", bert, "--data", "npy:" + ids + "+" + ids + "," + labels},
			`would both be layer "input_ids"`},
		{"missing part", []string{"--model", bert, "--data", "npy:" + ids + "+" + labels + "," + labels},
			`has no data for "attention_mask" (it holds input_ids, labels): name each file or column after the input it feeds`},
		{"not integers", []string{"--model", bert, "--data", "npy:" + floats + "+" + mask + "," + labels},
			`input "input_ids" is declared INT64 (token ids, a mask), but --data npy:` + floats + "+" + mask + "," + labels + ` (` + floats + `) holds floats`},
		{"padded without mask", []string{"--model", text + "bag_op13.onnx", "--data", "parquet:" + pq, "--features", "input_ids"},
			`"input_ids" holds sequences of different lengths, padded with 0 to 24; model ../fixtures/text/bag_op13.onnx has no attention-mask input`},
		{"pool", []string{"--model", bert, "--data", "npy:" + ids + "+" + mask + "," + labels, "--pool", "max"},
			`--pool "max": use mean, cls (or first), last or flatten`},
		{"preprocessing", []string{"--model", bert, "--data", "npy:" + ids + "+" + mask + "," + labels, "--input-norm", "0.5/0.2"},
			`--input-pad and --input-norm preprocess images and features; model ../fixtures/text/bert_tiny_op17.onnx takes 2 inputs`},
	} {
		_, stderr, err := run(t, append([]string{"analyze", "--quiet", "--db", db}, c.args...)...)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %v (stderr %q), want one line with %q", c.name, err, stderr, c.want)
		}
	}
	// None of them started a run.
	if _, err := os.Stat(db); err == nil {
		if rows := query(t, db, `SELECT count(*) AS n FROM runs`); rows[0]["n"] != 0.0 {
			t.Errorf("runs were recorded: %v", rows)
		}
	}
}

// cxray layers needs the size of a symbolic axis, and lists the token
// layers with it.
func TestLayersSymbolicAxis(t *testing.T) {
	_, _, err := run(t, "layers", "--model", text+"bert_tiny_op17.onnx")
	if want := `input "input_ids" has the symbolic axis 1 "seq"; give its size with --dim seq=N`; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want %q", err, want)
	}
	out, _, err := run(t, "layers", "--model", text+"bert_tiny_op17.onnx", "--dim", "seq=24")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"0      input_ids", "1      attention_mask", "emb ", "24×16", "layer2", "logits"} {
		if !strings.Contains(out, want) {
			t.Errorf("layers output lacks %q:\n%s", want, out)
		}
	}
}

// writeNPY writes float64 values as an NPY file (version 1.0) of the
// given shape; descr must be "<f8".
func writeNPY(t *testing.T, path, descr string, shape []int, v []float64) {
	t.Helper()
	dims := make([]string, len(shape))
	for i, d := range shape {
		dims[i] = fmt.Sprint(d)
	}
	h := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (%s,), }", descr, strings.Join(dims, ", "))
	h += strings.Repeat(" ", 63-(10+len(h)+1+63)%64) + "\n"
	b := append([]byte("\x93NUMPY\x01\x00"), byte(len(h)), byte(len(h)>>8))
	b = append(b, h...)
	for _, x := range v {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
