//go:build unix

package source

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// hostileCase is an input that must be refused: set writes it into the
// fresh folder dir and returns the spec to open, the options, and the
// path of the file at fault, which the error must name.
type hostileCase struct {
	name string
	set  func(t *testing.T, dir string) (spec string, opt Options, culprit string)
	want string // what the error must say
}

func mkfifo(t *testing.T, dir, name string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	return p
}

func symlink(t *testing.T, target, dir, name string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.Symlink(target, p); err != nil {
		t.Fatal(err)
	}
	return p
}

// goodNPY writes X of 3 samples of 2 float32 values and labels 0, 1, 0.
func goodNPY(t *testing.T, dir string) (x, y string) {
	t.Helper()
	x = writeFile(t, dir, "X.npy", npyArray("<f4", []int{3, 2}, []float64{1, 2, 3, 4, 5, 6}))
	y = writeFile(t, dir, "y.npy", npyArray("<i8", []int{3}, []float64{0, 1, 0}))
	return x, y
}

// goodActs writes an activations folder: the samples of goodNPY as layer
// X, and their labels.
func goodActs(t *testing.T, dir string) {
	t.Helper()
	goodNPY(t, dir)
	if err := os.Rename(filepath.Join(dir, "y.npy"), filepath.Join(dir, ActsLabels)); err != nil {
		t.Fatal(err)
	}
}

func csvOf(header string, rows int, row func(i int) string) []byte {
	var b bytes.Buffer
	b.WriteString(header + "\n")
	for i := range rows {
		b.WriteString(row(i) + "\n")
	}
	return b.Bytes()
}

// hostileCases are the inputs of issue 10's attack on the data sources,
// and their neighbours.
func hostileCases() []hostileCase {
	nanF4 := func() []byte {
		var b bytes.Buffer
		binary.Write(&b, binary.LittleEndian, []float32{1, 2, 3, float32(math.NaN()), 5, 6})
		return b.Bytes()
	}
	parquetPair := func(first, second string) func(t *testing.T, dir string) (string, Options, string) {
		return func(t *testing.T, dir string) (string, Options, string) {
			writeParquet(t, dir, "part-0.parquet", first, 0)
			b := writeParquet(t, dir, "part-1.parquet", second, 0)
			return "parquet:" + filepath.Join(dir, "part-*.parquet"), Options{}, b
		}
	}
	return []hostileCase{
		// Files that are not regular files.
		{"csv device", func(t *testing.T, dir string) (string, Options, string) {
			return "csv:/dev/zero", Options{}, "/dev/zero"
		}, "is a character device, not a regular file"},
		{"csv fifo", func(t *testing.T, dir string) (string, Options, string) {
			p := mkfifo(t, dir, "data.csv")
			return "csv:" + p, Options{}, p
		}, "is a named pipe (FIFO), not a regular file"},
		{"csv symlink to fifo", func(t *testing.T, dir string) (string, Options, string) {
			l := symlink(t, mkfifo(t, dir, "pipe"), dir, "data.csv")
			return "csv:" + l, Options{}, l
		}, "is a named pipe (FIFO)"},
		{"csv folder", func(t *testing.T, dir string) (string, Options, string) {
			return "csv:" + dir, Options{}, dir
		}, "is a folder, not a regular file"},
		{"npy samples fifo", func(t *testing.T, dir string) (string, Options, string) {
			_, y := goodNPY(t, dir)
			x := mkfifo(t, dir, "Xp.npy")
			return "npy:" + x + "," + y, Options{}, x
		}, "named pipe"},
		{"npy labels device", func(t *testing.T, dir string) (string, Options, string) {
			x, _ := goodNPY(t, dir)
			y := symlink(t, "/dev/zero", dir, "zero.npy")
			return "npy:" + x + "," + y, Options{}, y
		}, "is a character device"},
		{"acts folder fifo", func(t *testing.T, dir string) (string, Options, string) {
			p := mkfifo(t, dir, "acts")
			return "acts:" + p, Options{}, p
		}, "is a named pipe (FIFO), not a folder"},
		{"acts layer fifo", func(t *testing.T, dir string) (string, Options, string) {
			goodActs(t, dir)
			return "acts:" + dir, Options{}, mkfifo(t, dir, "conv1.npy")
		}, "named pipe"},
		{"acts labels fifo", func(t *testing.T, dir string) (string, Options, string) {
			goodNPY(t, dir)
			return "acts:" + dir, Options{}, mkfifo(t, dir, ActsLabels)
		}, "named pipe"},
		{"acts manifest fifo", func(t *testing.T, dir string) (string, Options, string) {
			goodActs(t, dir)
			return "acts:" + dir, Options{}, mkfifo(t, dir, ActsManifest)
		}, "named pipe"},
		{"parquet fifo", func(t *testing.T, dir string) (string, Options, string) {
			p := mkfifo(t, dir, "d.parquet")
			return "parquet:" + p, Options{}, p
		}, "named pipe"},
		{"parquet glob with a fifo", func(t *testing.T, dir string) (string, Options, string) {
			writeParquet(t, dir, "a.parquet", `SELECT 1 AS label, 1.0 AS x`, 0)
			p := mkfifo(t, dir, "b.parquet")
			return "parquet:" + filepath.Join(dir, "*.parquet"), Options{}, p
		}, "named pipe"},
		{"mnist images fifo", func(t *testing.T, dir string) (string, Options, string) {
			tinyMNIST(t, dir, 4, true)
			return "mnist", Options{DataDir: dir}, mkfifo(t, dir, "t10k-images-idx3-ubyte")
		}, "named pipe"},
		{"mnist labels device", func(t *testing.T, dir string) (string, Options, string) {
			tinyMNIST(t, dir, 4, false)
			p := filepath.Join(dir, "t10k-labels-idx1-ubyte")
			os.Remove(p)
			return "mnist", Options{DataDir: dir}, symlink(t, "/dev/zero", dir, "t10k-labels-idx1-ubyte")
		}, "character device"},

		// Caps.
		{"csv endless line", func(t *testing.T, dir string) (string, Options, string) {
			p := writeFile(t, dir, "d.csv", []byte("x,label\n"+strings.Repeat("1", MaxCSVRecord)+",a\n"))
			return "csv:" + p, Options{}, p
		}, fmt.Sprintf("row 0, from byte 8, is longer than %d bytes", MaxCSVRecord)},
		{"csv unclosed quote", func(t *testing.T, dir string) (string, Options, string) {
			p := writeFile(t, dir, "d.csv", []byte("x,label\n1,a\n2,\""+strings.Repeat("b\n", MaxCSVRecord)))
			return "csv:" + p, Options{}, p
		}, "row 1, from byte 12, is longer than"},
		{"csv endless header", func(t *testing.T, dir string) (string, Options, string) {
			p := writeFile(t, dir, "d.csv", bytes.Repeat([]byte{'a'}, MaxCSVRecord+10))
			return "csv:" + p, Options{}, p
		}, "the header, from byte 0, is longer than"},
		{"csv wide header", func(t *testing.T, dir string) (string, Options, string) {
			p := writeFile(t, dir, "d.csv", []byte("label"+strings.Repeat(",", MaxColumns)+"\n"))
			return "csv:" + p, Options{}, p
		}, fmt.Sprintf("the header has %d columns, more than the %d", MaxColumns+1, MaxColumns)},
		{"csv labels as ids", func(t *testing.T, dir string) (string, Options, string) {
			p := writeFile(t, dir, "d.csv", csvOf("x,label", MaxClasses+1, func(i int) string { return fmt.Sprintf("1,id%d", i) }))
			return "csv:" + p, Options{}, p
		}, fmt.Sprintf(`row %d (line %d), column "label": more than %d distinct labels`, MaxClasses, MaxClasses+2, MaxClasses)},
		{"npy long header", func(t *testing.T, dir string) (string, Options, string) {
			_, y := goodNPY(t, dir)
			h := npyDict("<f4", false, []int{3, 2}) + strings.Repeat(" ", maxNPYHeader)
			x := writeFile(t, dir, "long.npy", npyBytes(2, h, make([]byte, 24)))
			return "npy:" + x + "," + y, Options{}, x
		}, "is longer than the 10000 that numpy.load accepts"},
		{"npy shape beyond file", func(t *testing.T, dir string) (string, Options, string) {
			_, y := goodNPY(t, dir)
			x := writeFile(t, dir, "short.npy", npyBytes(1, npyDict("<f4", false, []int{3, 2}), make([]byte, 20)))
			return "npy:" + x + "," + y, Options{}, x
		}, "truncated: 148 bytes, but its header declares shape (3, 2) that needs 152"},
		{"npy labels beyond file", func(t *testing.T, dir string) (string, Options, string) {
			x, _ := goodNPY(t, dir)
			y := writeFile(t, dir, "long.npy", npyBytes(1, npyDict("<i8", false, []int{3}), make([]byte, 32)))
			return "npy:" + x + "," + y, Options{}, y
		}, "more than the 152 that its header's shape (3,) needs"},
		{"npy shape overflow", func(t *testing.T, dir string) (string, Options, string) {
			_, y := goodNPY(t, dir)
			x := writeFile(t, dir, "huge.npy", npyBytes(1, npyDict("<f4", false, []int{1 << 40, 1 << 22}), nil))
			return "npy:" + x + "," + y, Options{}, x
		}, "shape (1099511627776, 4194304) is too large"},
		{"npy huge sample", func(t *testing.T, dir string) (string, Options, string) {
			_, y := goodNPY(t, dir)
			x := writeFile(t, dir, "wide.npy", npyBytes(1, npyDict("<f8", false, []int{3, 1 << 26}), nil))
			return "npy:" + x + "," + y, Options{}, x
		}, fmt.Sprintf("more than the %d bytes each", maxItemBytes)},
		{"npy labels as ids", func(t *testing.T, dir string) (string, Options, string) {
			ids := make([]float64, MaxClasses+1)
			for i := range ids {
				ids[i] = float64(i)
			}
			x := writeFile(t, dir, "X.npy", npyArray("<f4", []int{len(ids)}, ids))
			y := writeFile(t, dir, "y.npy", npyArray("<i4", []int{len(ids)}, ids))
			return "npy:" + x + "," + y, Options{}, y
		}, fmt.Sprintf("label %d: more than %d distinct labels", MaxClasses, MaxClasses)},
		{"acts too many layers", func(t *testing.T, dir string) (string, Options, string) {
			goodActs(t, dir)
			for i := range MaxLayers {
				writeFile(t, dir, fmt.Sprintf("l%d.npy", i), nil)
			}
			return "acts:" + dir, Options{}, dir
		}, fmt.Sprintf("more than %d .npy files of activations", MaxLayers)},
		{"idx shape beyond file", func(t *testing.T, dir string) (string, Options, string) {
			tinyMNIST(t, dir, 4, false)
			p := writeFile(t, dir, "t10k-images-idx3-ubyte", idxBytes([]int{5, 2, 3}, make([]byte, 24)))
			return "mnist", Options{DataDir: dir}, p
		}, "truncated: 40 bytes, but its header declares 5 items that need 46"},
		{"idx gzip beyond deflate", func(t *testing.T, dir string) (string, Options, string) {
			tinyMNIST(t, dir, 4, false)
			os.Remove(filepath.Join(dir, "t10k-images-idx3-ubyte"))
			p := writeFile(t, dir, "t10k-images-idx3-ubyte.gz", gzipBytes(t, idxBytes([]int{4, 1 << 14, 1 << 14}, []byte{1, 2, 3})))
			return "mnist", Options{DataDir: dir}, p
		}, "more than gzip can unpack"},
		{"parquet wide", func(t *testing.T, dir string) (string, Options, string) {
			p := writeFile(t, dir, "d.parquet", wideParquet(MaxColumns))
			return "parquet:" + p, Options{}, p
		}, fmt.Sprintf("%d columns (nested fields included), more than the %d", MaxColumns+1, MaxColumns)},
		{"parquet labels as ids", func(t *testing.T, dir string) (string, Options, string) {
			p := writeParquet(t, dir, "d.parquet", fmt.Sprintf(`SELECT i AS label, 1.0 AS x FROM range(%d) t(i)`, MaxClasses+1), 0)
			return "parquet:" + p, Options{}, p
		}, fmt.Sprintf(`label column "label": more than %d distinct labels`, MaxClasses)},

		// Parquet files that disagree.
		{"parquet labels string and int", parquetPair(`SELECT 'a' AS label, 1.0 AS x`, `SELECT 7 AS label, 1.0 AS x`),
			`the label column "label" is VARCHAR in`},
		{"parquet labels int and string", parquetPair(`SELECT 7 AS label, 1.0 AS x`, `SELECT '7' AS label, 1.0 AS x`),
			`the label column "label" is INTEGER in`},
		{"parquet labels int and float", parquetPair(`SELECT 7 AS label, 1.0 AS x`, `SELECT 7.0::DOUBLE AS label, 1.0 AS x`),
			`but DOUBLE in`},
		{"parquet labels float and double", parquetPair(`SELECT 7::FLOAT AS label, 1.0 AS x`, `SELECT 7.0::DOUBLE AS label, 1.0 AS x`),
			`is FLOAT in`},
		{"parquet labels decimal and double", parquetPair(`SELECT 2::DECIMAL(10,2) AS label, 1.0 AS x`, `SELECT 2.001::DOUBLE AS label, 1.0 AS x`),
			`is DECIMAL(10,2) in`},
		{"parquet labels bool and int", parquetPair(`SELECT true AS label, 1.0 AS x`, `SELECT 1 AS label, 1.0 AS x`),
			`is BOOLEAN in`},
		{"parquet label missing", parquetPair(`SELECT 1 AS label, 1.0 AS x`, `SELECT 1 AS class, 1.0 AS x`),
			`no label column "label", which`},
		{"parquet feature missing", parquetPair(`SELECT 1 AS label, 1.0 AS x, 2.0 AS y`, `SELECT 1 AS label, 1.0 AS x`),
			`no feature column "y", which`},
		{"parquet feature string", parquetPair(`SELECT 1 AS label, 1.0 AS x`, `SELECT 1 AS label, 'q' AS x`),
			`feature column "x" is VARCHAR, not numeric`},
		{"parquet extra feature", parquetPair(`SELECT 1 AS label, 1.0 AS x`, `SELECT 1 AS label, 1.0 AS x, 3 AS z`),
			`numeric column "z" is not in`},
		{"parquet glob name", func(t *testing.T, dir string) (string, Options, string) {
			writeParquet(t, dir, "a1.parquet", `SELECT 1 AS label, 1.0 AS x`, 0)
			p := writeParquet(t, dir, "a[1].parquet", `SELECT 2 AS label, 2.0 AS x`, 0)
			return "parquet:" + filepath.Join(dir, "*.parquet"), Options{}, p
		}, "DuckDB reads a file name with *, ? or [ as a pattern"},

		// Images.
		{"png truncated", func(t *testing.T, dir string) (string, Options, string) {
			p := imageTree(t, dir)
			whole := pngBytes(t, 6, 5, 0)
			writeFile(t, filepath.Dir(p), "0.png", whole[:len(whole)-20])
			return "imagefolder:" + dir, Options{}, p
		}, "truncated PNG image"},
		{"jpeg truncated", func(t *testing.T, dir string) (string, Options, string) {
			imageTree(t, dir)
			whole := jpegBytes(t, 40, 40) // cut in its scan, past the header
			p := writeFile(t, filepath.Join(dir, "b"), "2.JPG", whole[:len(whole)-200])
			return "imagefolder:" + dir, Options{Transform: Transform{Resize: []int{6, 5}}}, p
		}, "truncated JPEG image"},
		{"png bomb", func(t *testing.T, dir string) (string, Options, string) {
			imageTree(t, dir)
			p := writeFile(t, filepath.Join(dir, "b"), "2.png", pngHeader(100000, 100000))
			return "imagefolder:" + dir, Options{}, p
		}, "declares 100000×100000 pixels (height×width), more than cxray decodes in one image"},
		{"png bomb first", func(t *testing.T, dir string) (string, Options, string) {
			p := imageTree(t, dir)
			writeFile(t, filepath.Dir(p), "0.png", pngHeader(1<<20, 64))
			return "imagefolder:" + dir, Options{}, p
		}, "a decompression bomb"},
		{"not an image", func(t *testing.T, dir string) (string, Options, string) {
			p := imageTree(t, dir)
			writeFile(t, filepath.Dir(p), "0.png", []byte("label,x\n1,2\n"))
			return "imagefolder:" + dir, Options{}, p
		}, "not a PNG or JPEG image"},
		{"gif named png", func(t *testing.T, dir string) (string, Options, string) {
			imageTree(t, dir)
			p := writeFile(t, filepath.Join(dir, "b"), "2.png", []byte("GIF89a\x01\x00\x01\x00"))
			return "imagefolder:" + dir, Options{}, p
		}, "a GIF image; cxray decodes PNG and JPEG only"},
		{"bmp file", func(t *testing.T, dir string) (string, Options, string) {
			imageTree(t, dir)
			p := writeFile(t, filepath.Join(dir, "a"), "9.bmp", []byte("BM"))
			return "imagefolder:" + dir, Options{}, p
		}, "a BMP file; cxray decodes PNG and JPEG images only"},
		{"image fifo", func(t *testing.T, dir string) (string, Options, string) {
			imageTree(t, dir)
			return "imagefolder:" + dir, Options{}, mkfifo(t, filepath.Join(dir, "b"), "3.png")
		}, "is a named pipe (FIFO), not a regular file"},
		{"image device", func(t *testing.T, dir string) (string, Options, string) {
			imageTree(t, dir)
			return "imagefolder:" + dir, Options{}, symlink(t, "/dev/zero", filepath.Join(dir, "b"), "3.jpg")
		}, "is a character device, not a regular file"},
		{"image broken link", func(t *testing.T, dir string) (string, Options, string) {
			imageTree(t, dir)
			return "imagefolder:" + dir, Options{}, symlink(t, filepath.Join(dir, "gone.png"), filepath.Join(dir, "b"), "3.png")
		}, "a symbolic link to nothing readable"},
		{"empty class", func(t *testing.T, dir string) (string, Options, string) {
			imageTree(t, dir)
			p := filepath.Join(dir, "c")
			os.Mkdir(p, 0o755)
			writeFile(t, p, "notes.txt", []byte("no images here"))
			return "imagefolder:" + dir, Options{}, p
		}, `no PNG or JPEG image in class folder "c"`},
		{"symlink loop", func(t *testing.T, dir string) (string, Options, string) {
			imageTree(t, dir)
			return "imagefolder:" + dir, Options{}, symlink(t, "..", filepath.Join(dir, "a"), "loop")
		}, "a symbolic link to a folder that contains it"},
		{"no classes", func(t *testing.T, dir string) (string, Options, string) {
			writeFile(t, dir, "0.png", pngBytes(t, 2, 2, 0))
			return "imagefolder:" + dir, Options{}, dir
		}, "no sub-folders; imagefolder:DIR takes one sub-folder of images per class"},
		{"imagefolder of a file", func(t *testing.T, dir string) (string, Options, string) {
			p := writeFile(t, dir, "0.png", pngBytes(t, 2, 2, 0))
			return "imagefolder:" + p, Options{}, p
		}, "is a regular file, not a folder"},
		{"image sizes differ", func(t *testing.T, dir string) (string, Options, string) {
			imageTree(t, dir)
			p := writeFile(t, filepath.Join(dir, "b"), "2.png", pngBytes(t, 7, 5, 0))
			return "imagefolder:" + dir, Options{}, p
		}, "7×5 pixels (height×width), but the first image, " + "{dir}/a/0.png, is 6×5; the images of a dataset must have one size: give --resize and --center-crop"},
		{"image size not the model's", func(t *testing.T, dir string) (string, Options, string) {
			p := imageTree(t, dir)
			return "imagefolder:" + dir, Options{Transform: Transform{Input: []int{3, 8, 8}}}, p
		}, "6×5 pixels (height×width), but the model takes 8×8; resize and crop the images as the model was trained: add --resize 8 --center-crop 8"},
		{"image size not the model's after resize", func(t *testing.T, dir string) (string, Options, string) {
			p := imageTree(t, dir)
			return "imagefolder:" + dir, Options{Transform: Transform{Input: []int{1, 10, 8}, Resize: []int{8}}}, p
		}, "6×5 pixels (height×width), 9×8 after --resize 8, but the model takes 10×8; resize and crop the images as the model was trained: add --center-crop 10,8"},
		{"image crop not the model's", func(t *testing.T, dir string) (string, Options, string) {
			imageTree(t, dir)
			return "imagefolder:" + dir, Options{Transform: Transform{Input: []int{3, 32, 32}, Pad: 2, CenterCrop: []int{32}}}, "imagefolder:" + dir
		}, "--center-crop 32 makes images of 32×32 pixels, but the model takes 28×28 before --input-pad 2; give --center-crop 28,28"},
		{"image channels", func(t *testing.T, dir string) (string, Options, string) {
			imageTree(t, dir)
			return "imagefolder:" + dir, Options{Transform: Transform{Input: []int{4, 6, 5}}}, "imagefolder:" + dir
		}, "the model takes images of 4 channels (input shape 4×6×5); cxray converts images to greyscale (1 channel) or RGB (3)"},
		{"resize of numbers", func(t *testing.T, dir string) (string, Options, string) {
			p := writeFile(t, dir, "d.csv", []byte("x,label\n1,a\n2,b\n"))
			return "csv:" + p, Options{Transform: Transform{Resize: []int{32}}}, "csv:" + p
		}, "--resize and --center-crop preprocess images"},
		{"parquet image null", func(t *testing.T, dir string) (string, Options, string) {
			p := writeParquet(t, dir, "d.parquet", `SELECT i AS label, CASE WHEN i = 1 THEN NULL ELSE {'bytes': from_hex('`+fmt.Sprintf("%x", pngBytes(t, 2, 2, 0))+`'), 'path': 'x.png'} END AS image FROM range(3) t(i)`, 0)
			return "parquet:" + p, Options{}, p + ` row 1, column "image"`
		}, "the image is NULL (missing)"},
		{"parquet image not an image", func(t *testing.T, dir string) (string, Options, string) {
			p := writeParquet(t, dir, "d.parquet", `SELECT i AS label, CASE WHEN i = 2 THEN 'hello'::BLOB ELSE from_hex('`+fmt.Sprintf("%x", pngBytes(t, 2, 2, 0))+`') END AS img FROM range(3) t(i)`, 0)
			return "parquet:" + p, Options{}, p + ` row 2, column "img"`
		}, "not a PNG or JPEG image"},
		{"parquet image bomb", func(t *testing.T, dir string) (string, Options, string) {
			p := writeParquet(t, dir, "d.parquet", `SELECT i AS label, from_hex('`+fmt.Sprintf("%x", pngHeader(100000, 100000))+`') AS img FROM range(3) t(i)`, 0)
			return "parquet:" + p, Options{}, p + ` row 0, column "img"`
		}, "more than cxray decodes in one image"},
		{"parquet two image columns", func(t *testing.T, dir string) (string, Options, string) {
			p := writeParquet(t, dir, "d.parquet", `SELECT 1 AS label, 'a'::BLOB AS left_eye, 'b'::BLOB AS right_eye`, 0)
			return "parquet:" + p, Options{}, p
		}, `columns "left_eye", "right_eye" all hold images (BLOB, or a struct with bytes); choose one with --image`},
		{"parquet image not a blob", func(t *testing.T, dir string) (string, Options, string) {
			p := writeParquet(t, dir, "d.parquet", `SELECT 1 AS label, 2.0 AS x`, 0)
			return "parquet:" + p, Options{Image: "x"}, p
		}, `--image "x": the column is DECIMAL(2,1); images are stored as a BLOB`},
		{"parquet resize numbers", func(t *testing.T, dir string) (string, Options, string) {
			p := writeParquet(t, dir, "d.parquet", `SELECT 1 AS label, 2.0 AS x`, 0)
			return "parquet:" + p, Options{Transform: Transform{Resize: []int{8}}}, p
		}, "no column holds images"},

		// Values that are not finite: one form in every source.
		{"csv nan", func(t *testing.T, dir string) (string, Options, string) {
			p := writeFile(t, dir, "d.csv", []byte("x,y,label\n1,2,a\n3,nan,b\n"))
			return "csv:" + p, Options{}, p
		}, `row 1 (line 3), column "y": NaN is not a finite number; remove or impute it`},
		{"npy nan", func(t *testing.T, dir string) (string, Options, string) {
			_, y := goodNPY(t, dir)
			x := writeFile(t, dir, "nan.npy", npyBytes(1, npyDict("<f4", false, []int{3, 2}), nanF4()))
			return "npy:" + x + "," + y, Options{}, x
		}, "row 1, column 1: NaN is not a finite number; remove or impute it"},
		{"acts inf", func(t *testing.T, dir string) (string, Options, string) {
			goodActs(t, dir)
			p := writeFile(t, dir, "conv.npy", npyArray("<f8", []int{3, 1, 2}, []float64{1, 2, 3, 4, math.Inf(-1), 6}))
			return "acts:" + dir, Options{}, p
		}, "row 2, column 0 (index [0, 0] of the sample): -Inf is not a finite number; remove or impute it"},
		{"parquet nan", func(t *testing.T, dir string) (string, Options, string) {
			p := writeParquet(t, dir, "d.parquet", `SELECT i % 2 AS label, CASE WHEN i = 3 THEN 'nan'::DOUBLE ELSE i END AS x FROM range(5) t(i)`, 0)
			return "parquet:" + p, Options{}, p
		}, `row 3, column "x": NaN is not a finite number; remove or impute it`},
	}
}

// Every hostile input is refused with one line that names the file at
// fault and says what is wrong, from Open or from Next, and nothing
// hangs: each case runs under a deadline.
func TestHostileInputs(t *testing.T) {
	for _, c := range hostileCases() {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			spec, opt, culprit := c.set(t, dir)
			done := make(chan error, 1)
			go func() {
				src, err := Open(spec, opt)
				if err == nil {
					err = drainErr(src, 64)
					src.Close()
				}
				done <- err
			}()
			var err error
			select {
			case err = <-done:
			case <-time.After(time.Minute):
				t.Fatalf("%s: still reading after a minute", spec)
			}
			if err == nil {
				t.Fatalf("%s: no error, want one naming %s and saying %q", spec, culprit, c.want)
			}
			msg := err.Error()
			t.Log(msg)
			want := strings.ReplaceAll(c.want, "{dir}", dir)
			if strings.Contains(msg, "\n") || !strings.Contains(msg, culprit) || !strings.Contains(msg, want) {
				t.Errorf("error %q\nwant one line naming %s and saying %q", msg, culprit, want)
			}
		})
	}
}

// A symlink to a regular file is read as the file.
func TestSymlinkToRegularFile(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "real.csv", []byte("x,label\n1,a\n2,b\n"))
	src, err := Open("csv:"+symlink(t, p, dir, "link.csv"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if x, _ := readAll(t, src, 5); len(x) != 2 || x[0] != 1 || x[1] != 2 {
		t.Errorf("read %v through the link, want [1 2]", x)
	}
}

// A FIFO that takes a checked file's place before the open is refused by
// the open itself, at once: the open does not wait for a writer.
func TestOpenCheckedFIFO(t *testing.T) {
	p := mkfifo(t, t.TempDir(), "late.csv")
	done := make(chan error, 1)
	go func() {
		f, err := openChecked(p)
		if err == nil {
			f.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), p+" is a named pipe (FIFO)") {
			t.Errorf("error %v, want one naming the FIFO", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("the open of a FIFO waits for a writer")
	}
}
