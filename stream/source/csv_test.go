package source

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeCSV(t *testing.T, text string) string {
	t.Helper()
	return writeFile(t, t.TempDir(), "data.csv", []byte(text))
}

func TestCSVIris(t *testing.T) {
	path := filepath.Join("..", "..", "fixtures", "iris.csv")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("fixture missing: %v", err)
	}
	src, err := Open("csv:"+path, Options{Label: "species"})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if src.Len() != 150 || src.Dim() != 4 {
		t.Errorf("len %d, dim %d; want 150, 4", src.Len(), src.Dim())
	}
	if s := src.SampleShape(); len(s) != 1 || s[0] != 4 {
		t.Errorf("shape %v, want [4]", s)
	}
	if c := src.Classes(); strings.Join(c, ",") != "setosa,versicolor,virginica" {
		t.Errorf("classes %v, want setosa, versicolor, virginica", c)
	}
	x, labels := readAll(t, src, 64)
	if len(labels) != 150 {
		t.Fatalf("read %d rows, want 150", len(labels))
	}
	// The first row of Fisher's iris data is 5.1,3.5,1.4,0.2,setosa.
	for j, want := range []float32{5.1, 3.5, 1.4, 0.2} {
		if x[j] != want {
			t.Errorf("row 1 column %d is %v, want %v", j, x[j], want)
		}
	}
	count := map[int32]int{}
	for _, l := range labels {
		count[l]++
	}
	for id := int32(0); id < 3; id++ {
		if count[id] != 50 {
			t.Errorf("class %d has %d rows, want 50", id, count[id])
		}
	}
}

func TestCSVRead(t *testing.T) {
	// Spaces, a quoted cell, Windows line ends and empty lines at the
	// end are all allowed; labels get ids by first appearance.
	path := writeCSV(t, "a, label ,b\r\n1,cat,2\r\n3.5,dog,\"-4e2\"\r\n 5 , cat ,6\r\n0x1p-2,bird,0\r\n\r\n\r\n")
	src, err := Open("csv:"+path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if src.Name() != "csv:"+path {
		t.Errorf("name %q, want %q", src.Name(), "csv:"+path)
	}
	if c := src.Classes(); strings.Join(c, ",") != "cat,dog,bird" {
		t.Errorf("classes %v, want cat, dog, bird", c)
	}
	for _, max := range []int{1, 3, 10} {
		// Reopen for each batch size: the sequence must not depend on it.
		src, err := Open("csv:"+path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		x, labels := readAll(t, src, max)
		src.Close()
		wantX := []float32{1, 2, 3.5, -400, 5, 6, 0.25, 0}
		wantL := []int32{0, 1, 0, 2}
		if len(x) != len(wantX) || len(labels) != len(wantL) {
			t.Fatalf("max %d: %v %v, want %v %v", max, x, labels, wantX, wantL)
		}
		for i := range wantX {
			if x[i] != wantX[i] {
				t.Fatalf("max %d: values %v, want %v", max, x, wantX)
			}
		}
		for i := range wantL {
			if labels[i] != wantL[i] {
				t.Fatalf("max %d: labels %v, want %v", max, labels, wantL)
			}
		}
	}
}

func TestCSVLimit(t *testing.T) {
	path := writeCSV(t, "x,label\n1,a\n2,b\n3,c\nbad,d\n")
	// The bad cell is past the limit, so it is never used; the classes
	// still come from the whole file so that ids do not depend on Limit.
	src, err := Open("csv:"+path, Options{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if src.Len() != 2 || len(src.Classes()) != 4 {
		t.Errorf("len %d, %d classes; want 2, 4", src.Len(), len(src.Classes()))
	}
	x, _ := readAll(t, src, 10)
	if len(x) != 2 || x[0] != 1 || x[1] != 2 {
		t.Errorf("values %v, want [1 2]", x)
	}
	path = writeCSV(t, "x,label\n1,a\n2,b\n3,c\n4,d\n")
	_, err = Open("csv:"+path, Options{Limit: 5})
	if err == nil || !strings.Contains(err.Error(), "limit 5") || !strings.Contains(err.Error(), "4 samples") {
		t.Errorf("limit 5 of 4 rows: error %v, want one naming both numbers", err)
	}
}

func TestCSVErrors(t *testing.T) {
	cases := []struct {
		name, text string
		opt        Options
		want       string // the error after the path
	}{
		{"bad cell", "sepal_width,label\n1,a\n2,b\nabc,a\n", Options{},
			` row 2 (line 4), column "sepal_width": "abc" is not a number`},
		{"empty cell", "x,y,label\n1,,a\n", Options{}, ` row 0 (line 2), column "y": "" is not a number`},
		{"NaN", "x,label\n1,a\nNaN,b\n", Options{}, ` row 1 (line 3), column "x": NaN is not a finite number; remove or impute it`},
		{"Inf", "x,label\n-Inf,a\n", Options{}, ` row 0 (line 2), column "x": -Inf is not a finite number; remove or impute it`},
		{"overflow", "x,label\n1e39,a\n", Options{}, ` row 0 (line 2), column "x": 1e39 is out of the float32 range`},
		{"missing label", "a,b,class\n1,2,x\n", Options{},
			`: no label column "label"; columns found: "a", "b", "class"; choose one with --label`},
		{"named label missing", "a,label\n1,x\n", Options{Label: "species"}, `: no label column "species"`},
		{"no header", "5.1,3.5,setosa\n", Options{}, "the first line looks like data"},
		{"empty file", "", Options{}, ": file is empty; a header row"},
		{"header only", "x,label\n", Options{}, ": no data rows"},
		{"label only", "label\na\n", Options{}, ": no feature columns"},
		{"ragged", "x,label\n1,a\n2,b,c\n", Options{}, " row 1 (line 3): wrong number of fields"},
		{"empty label", "x,label\n1,\n", Options{}, ` row 0 (line 2), column "label": the label is empty`},
		{"NaN label", "x,label\n1,a\n2,NaN\n", Options{}, ` row 1 (line 3), column "label": the label is NaN, a missing value`},
		{"NA label", "x,label\n1,NA\n", Options{}, ` row 0 (line 2), column "label": the label is NA, a missing value`},
		{"duplicate column", "x,x,label\n1,2,a\n", Options{}, `column "x" appears twice`},
		{"bad quote", "x,label\n1\"2,a\n", Options{}, " row 0 (line 2, byte 2):"},
		{"negative limit", "x,label\n1,a\n", Options{Limit: -2}, ": limit -2 is negative"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := writeCSV(t, c.text)
			src, err := OpenCSV(path, c.opt)
			if err == nil {
				src.Close()
				t.Fatalf("Open succeeded, want an error ending like %q", c.want)
			}
			if !strings.HasPrefix(err.Error(), path) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q, want %q followed by %q", err, path, c.want)
			}
		})
	}
}

func TestCSVMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no-such.csv")
	_, err := Open("csv:"+path, Options{})
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("error %v, want one naming %s", err, path)
	}
}

// The first pass checks cells, but the file is read again for the
// batches; a file changed in between must give an error, not bad data.
func TestCSVChangedFile(t *testing.T) {
	// More rows than the reader's buffer holds, so that the second pass
	// has to go back to the file.
	path := writeCSV(t, "x,label\n"+strings.Repeat("1234,a\n", 20000))
	src, err := Open("csv:"+path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	// Same length, so rows stay aligned with what the reader buffered.
	if err := os.WriteFile(path, []byte("x,label\n"+strings.Repeat("1234,z\n", 20000)), 0o644); err != nil {
		t.Fatal(err)
	}
	err = drainErr(src, 10)
	if err == nil || !strings.Contains(err.Error(), "changed") {
		t.Errorf("error %v, want one saying the file changed", err)
	}
	t.Log(err)
}

func TestOpenSpec(t *testing.T) {
	for spec, want := range map[string]string{
		"csv:":     "has no path",
		"cifar10":  `unknown source "cifar10"`,
		"mnist:xy": `unknown source "mnist:xy"`,
	} {
		if _, err := Open(spec, Options{}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Open(%q): error %v, want %q", spec, err, want)
		}
	}
}

// A record of MaxCSVRecord bytes, its line end included, is read; one
// byte more is refused; a last record that ends the file right at the
// cap, without a line end, is read too.
func TestCSVRecordCap(t *testing.T) {
	const header = "x,label\n"
	row := func(size int, end string) string { // " ... 1,a" + end, size bytes in all
		return strings.Repeat(" ", size-len("1,a")-len(end)) + "1,a" + end
	}
	for _, c := range []struct {
		name string
		text string
		ok   bool
	}{
		{"at the cap", header + row(MaxCSVRecord, "\n") + "2,b\n", true},
		{"at the cap, CRLF", header + row(MaxCSVRecord, "\r\n") + "2,b\r\n", true},
		{"at the cap, end of file", header + "2,b\n" + row(MaxCSVRecord, ""), true},
		{"one byte over", header + row(MaxCSVRecord+1, "\n") + "2,b\n", false},
		{"one byte over, end of file", header + "2,b\n" + row(MaxCSVRecord+1, ""), false},
	} {
		path := writeCSV(t, c.text)
		src, err := OpenCSV(path, Options{})
		if !c.ok {
			if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("is longer than %d bytes", MaxCSVRecord)) {
				t.Errorf("%s: error %v, want one about the cap", c.name, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		x, labels := readAll(t, src, 1)
		src.Close()
		if len(x) != 2 || x[0]+x[1] != 3 || len(labels) != 2 {
			t.Errorf("%s: read %v %v, want the values 1 and 2", c.name, x, labels)
		}
	}
}

// MaxClasses distinct labels are taken; one more is refused (see
// TestHostileInputs).
func TestCSVClassCap(t *testing.T) {
	var b strings.Builder
	b.WriteString("x,label\n")
	for i := range MaxClasses {
		fmt.Fprintf(&b, "%d,c%d\n", i, i)
	}
	src, err := OpenCSV(writeCSV(t, b.String()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if got := src.Classes(); len(got) != MaxClasses || got[MaxClasses-1] != fmt.Sprintf("c%d", MaxClasses-1) {
		t.Errorf("%d classes, want %d", len(got), MaxClasses)
	}
}
