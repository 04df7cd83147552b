package neighbour

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"cxray/internal/fixture"
)

type refRun struct {
	Distance      string  `json:"distance"`
	ZeroDistances string  `json:"zero_distances"`
	TieRTol       float64 `json:"tie_rtol"`
	N             int     `json:"n"`
	N1            float64 `json:"N1"`
	N2            float64 `json:"N2"`
	N3            float64 `json:"N3"`
	LSC           float64 `json:"LSC"`
	T1            float64 `json:"T1"`
	Density       float64 `json:"Density"`
	ClsCoef       float64 `json:"ClsCoef"`
	Hubs          float64 `json:"Hubs"`
	TwoNN         float64 `json:"TwoNN"`
	GraphEdges    int64   `json:"graph_edges"`
}

type refDataset struct {
	Runs     []refRun           `json:"runs"`
	Exact    map[string]float64 `json:"ecol_exact_rational"`
	REmulate map[string]float64 `json:"ecol_r_emulation"`
}

type refDoc struct {
	TieRTol  float64               `json:"tie_rtol"`
	Epsilon  float64               `json:"epsilon"`
	Datasets map[string]refDataset `json:"datasets"`
}

func decodeRef(t testing.TB, b []byte) refDoc {
	t.Helper()
	var d refDoc
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

func readRef(t testing.TB) refDoc {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixture.Root(), "fixtures", "reference", "neighbour.json"))
	if err != nil {
		t.Fatal(err)
	}
	return decodeRef(t, b)
}

var fixtureData = map[string][2]string{
	"iris":   {"fixtures/iris.csv", "species"},
	"wine":   {"fixtures/data/wine.csv", "label"},
	"wbcd":   {"fixtures/data/wbcd.csv", "label"},
	"digits": {"fixtures/data/digits.csv", "label"},
}

func optionsFor(t testing.TB, r refRun) Options {
	t.Helper()
	o := DefaultOptions()
	d, err := ParseDistance(r.Distance)
	if err != nil {
		t.Fatal(err)
	}
	o.Distance = d
	switch r.ZeroDistances {
	case "kept":
		o.ZeroDistances = ZeroKept
	case "ecol":
		o.ZeroDistances = ZeroECoL
	default:
		t.Fatalf("zero rule %q", r.ZeroDistances)
	}
	o.TieRTol = r.TieRTol
	return o
}

// TestReference matches every measure against the independent float64
// reference (fixtures/reference/neighbour_reference.py) on iris, wine,
// breast cancer and digits, under Euclidean and Gower distances and both
// zero-distance rules.
func TestReference(t *testing.T) {
	doc := readRef(t)
	if len(doc.Datasets) != 4 {
		t.Fatalf("reference has %d datasets, want 4", len(doc.Datasets))
	}
	for name, ds := range doc.Datasets {
		f := fixtureData[name]
		x, y, dim := readCSV(t, f[0], f[1])
		for _, r := range ds.Runs {
			o := optionsFor(t, r)
			t.Run(name+"/"+r.Distance+"/"+r.ZeroDistances, func(t *testing.T) {
				nb, err := Build(x, dim, y, &o)
				if err != nil {
					t.Fatal(err)
				}
				if nb.N() != r.N {
					t.Fatalf("n = %d, reference %d", nb.N(), r.N)
				}
				id, err := nb.TwoNN()
				if err != nil {
					t.Fatal(err)
				}
				for _, c := range []struct {
					name      string
					got, want float64
				}{
					{"N1", nb.N1(), r.N1},
					{"N2", nb.N2(), r.N2},
					{"N3", nb.N3(), r.N3},
					{"LSC", nb.LSC(), r.LSC},
					{"T1", nb.T1(), r.T1},
					{"Density", nb.Density(), r.Density},
					{"ClsCoef", nb.ClsCoef(), r.ClsCoef},
					{"Hubs", nb.Hubs(), r.Hubs},
					{"TwoNN", id, r.TwoNN},
				} {
					if math.Abs(c.got-c.want) > 1e-6 {
						t.Errorf("%s = %.9f, reference %.9f", c.name, c.got, c.want)
					}
				}
				if nb.Edges() != r.GraphEdges {
					t.Errorf("graph edges %d, reference %d", nb.Edges(), r.GraphEdges)
				}
			})
		}
	}
}

const python = "/usr/bin/python3"

// TestReferenceCurrent reruns the reference on iris and checks that the
// committed JSON holds what it computes now, to fixture.ReferenceRTol:
// numpy's last bits vary with the machine's BLAS kernel.
func TestReferenceCurrent(t *testing.T) {
	if err := exec.Command(python, "-c", "import numpy, scipy").Run(); err != nil {
		t.Skipf("skipping: the reference needs %s with numpy and scipy: %v", python, err)
	}
	script := filepath.Join(fixture.Root(), "fixtures", "reference", "neighbour_reference.py")
	cmd := exec.Command(python, script, "--only", "iris", "--stdout")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("reference: %v\n%s", err, stderr.String())
	}
	a, _ := json.Marshal(decodeRef(t, out).Datasets["iris"])
	b, _ := json.Marshal(readRef(t).Datasets["iris"])
	d, err := fixture.SameNumbers(a, b, fixture.ReferenceRTol)
	if err != nil {
		t.Fatal(err)
	}
	if d != "" {
		t.Errorf("fixtures/reference/neighbour.json is stale for iris (rerun neighbour_reference.py): now against committed, %s", d)
	}
}
