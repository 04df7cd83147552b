package report

import (
	"bytes"
	"errors"
	"fmt"
	goimage "image"
	"image/color"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"cxray/stream/source"
	"cxray/stream/source/imageprep"
)

// thumb is one image of a gallery: a PNG written beside the page.
type thumb struct {
	PNG           string
	Width, Height int
	Caption       string
	Flipped       bool
}

// thumbSide is the longest side of a thumbnail, in pixels; smaller images
// are enlarged by whole factors, as MNIST's 28 pixels are to 84.
const thumbSide = 96

// maxThumbPixels bounds the images the gallery decodes (about 16 MB as
// RGB), and maxThumbBytes the encoded images it reads from Parquet; a
// larger one is left out.
const (
	maxThumbPixels = 1 << 22
	maxThumbBytes  = 64 << 20
)

// gallery writes thumbnails of the hardest samples of r beside the page,
// for MNIST, image folders and Parquet images, and returns them with a note for the
// caption. Images it cannot read are left out, and the note says why;
// nothing is ever fetched when the page is viewed.
func (b *builder) gallery(r *run) ([]thumb, string) {
	p := r.samples
	if p.images.kind == "" || len(p.hardest) == 0 {
		return nil, ""
	}
	pics, err := p.images.read(p.hardest)
	var out []thumb
	for i, h := range p.hardest {
		m := pics[i]
		if m == nil {
			continue
		}
		name := fmt.Sprintf("run%d-hard%02d.png", r.ID, i+1)
		if werr := writePNG(filepath.Join(b.dir, name), m); werr != nil {
			err = errors.Join(err, werr)
			continue
		}
		caption := fmt.Sprintf("#%d %s, class %s", h.Rank, h.Key, h.Label)
		if h.N2Ratio == h.N2Ratio {
			caption += fmt.Sprintf(", n2 %.2f", h.N2Ratio)
		}
		if h.Known && h.Flipped {
			caption += ", label flipped"
		}
		out = append(out, thumb{PNG: name, Width: m.Bounds().Dx(), Height: m.Bounds().Dy(), Caption: caption, Flipped: h.Known && h.Flipped})
	}
	note := "The images of the hardest samples, read from the dataset when the report was written (rank, key, class)."
	if err != nil {
		note += fmt.Sprintf(" Some could not be read: %v.", oneLine(err))
	}
	if len(out) == 0 {
		note = fmt.Sprintf("The images of the hardest samples could not be read here: %v; the table names them.", oneLine(err))
	}
	return out, note
}

// oneLine is err's text on one line ("; " between joined errors), or ""
// for nil.
func oneLine(err error) string {
	if err == nil {
		return ""
	}
	return strings.ReplaceAll(err.Error(), "\n", "; ")
}

// read returns the thumbnails of the samples hs (nil where an image
// cannot be read) and the errors met.
func (s imageSource) read(hs []hardRow) ([]goimage.Image, error) {
	switch s.kind {
	case "mnist":
		return s.readMNIST(hs)
	case "imagefolder":
		out := make([]goimage.Image, len(hs))
		var errs []error
		for i, h := range hs {
			m, err := s.readFile(h.Key)
			errs = append(errs, err)
			out[i] = m
		}
		return out, errors.Join(errs...)
	case "parquet":
		return s.readParquet(hs)
	}
	return make([]goimage.Image, len(hs)), nil
}

// readParquet reads the images of the keys ("FILE row R") from their
// Parquet files.
func (s imageSource) readParquet(hs []hardRow) ([]goimage.Image, error) {
	out := make([]goimage.Image, len(hs))
	var refs []source.ParquetImageRef
	var at []int
	var errs []error
	for i, h := range hs {
		r, ok := source.ParseParquetImageKey(h.Key)
		if !ok {
			errs = append(errs, fmt.Errorf("%q does not name a Parquet file and row", h.Key))
			continue
		}
		if !filepath.IsAbs(r.File) && s.root != "" {
			r.File = filepath.Join(s.root, r.File)
		}
		refs, at = append(refs, r), append(at, i)
	}
	blobs, err := source.ReadParquetImages(refs, s.column, maxThumbBytes)
	errs = append(errs, err)
	for k, b := range blobs {
		if b == nil {
			continue
		}
		name := fmt.Sprintf("%s row %d", refs[k].File, refs[k].Row)
		m, err := decodeThumb(bytes.NewReader(b), name)
		errs = append(errs, err)
		out[at[k]] = m
	}
	return out, errors.Join(errs...)
}

// readMNIST reads the images of the keys (MNIST indices) in one pass over
// the split, up to the largest index.
func (s imageSource) readMNIST(hs []hardRow) ([]goimage.Image, error) {
	out := make([]goimage.Image, len(hs))
	want := map[int][]int{} // index -> positions in hs
	last := -1
	for i, h := range hs {
		k, err := strconv.Atoi(h.Key)
		if err != nil || k < 0 {
			continue
		}
		want[k] = append(want[k], i)
		last = max(last, k)
	}
	if last < 0 {
		return out, errors.New("no MNIST index among the keys")
	}
	src, err := source.OpenMNIST(source.Options{Split: s.split, DataDir: s.dataDir, Limit: last + 1})
	if err != nil {
		return out, err
	}
	defer src.Close()
	var b source.Batch
	at := 0
	for {
		err := src.Next(&b, 1024)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		for j := range b.N {
			for _, i := range want[at+j] {
				g := goimage.NewGray(goimage.Rect(0, 0, 28, 28))
				for k, v := range b.X[j*784 : (j+1)*784] {
					g.Pix[k] = uint8(v*255 + 0.5)
				}
				out[i] = scaleTo(g, thumbSide)
			}
		}
		at += b.N
	}
}

// readFile reads the image at key, a path relative to the folder, as
// cxray analyze read it: a regular file, PNG or JPEG, checked before it is
// decoded.
func (s imageSource) readFile(key string) (goimage.Image, error) {
	if !filepath.IsLocal(filepath.FromSlash(key)) {
		return nil, fmt.Errorf("%q is not a path inside the image folder", key)
	}
	path := filepath.Join(s.root, filepath.FromSlash(key))
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return decodeThumb(f, path)
}

// decodeThumb decodes the PNG or JPEG image r, named name in errors, as
// cxray analyze decodes it (its header checked first), into a thumbnail.
func decodeThumb(r io.ReadSeeker, name string) (goimage.Image, error) {
	m, _, err := imageprep.Decode(r, 3, func(h imageprep.Header) error {
		if int64(h.W)*int64(h.H) > maxThumbPixels {
			return fmt.Errorf("%s: %d×%d pixels, too large for a thumbnail", name, h.H, h.W)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	// Greyscale images decode to one channel, shown as grey.
	g, b := 1, 2
	if m.C < 3 {
		g, b = 0, 0
	}
	rgb := goimage.NewRGBA(goimage.Rect(0, 0, m.W, m.H))
	for y := range m.H {
		for x := range m.W {
			o := (y*m.W + x) * m.Step
			rgb.SetRGBA(x, y, color.RGBA{m.Pix[o], m.Pix[o+g], m.Pix[o+b], 255})
		}
	}
	return scaleTo(rgb, thumbSide), nil
}

// scaleTo scales m so that its longer side is about side pixels: enlarged
// by a whole factor (nearest pixel, so pixels stay sharp) or reduced by
// averaging boxes of pixels.
func scaleTo(m goimage.Image, side int) goimage.Image {
	b := m.Bounds()
	w, h := b.Dx(), b.Dy()
	long := max(w, h)
	if long == 0 {
		return m
	}
	if long <= side {
		f := max(1, side/long)
		out := goimage.NewRGBA(goimage.Rect(0, 0, w*f, h*f))
		for y := range h * f {
			for x := range w * f {
				out.Set(x, y, m.At(b.Min.X+x/f, b.Min.Y+y/f))
			}
		}
		return out
	}
	f := (long + side - 1) / side
	out := goimage.NewRGBA(goimage.Rect(0, 0, (w+f-1)/f, (h+f-1)/f))
	for y := range out.Rect.Dy() {
		for x := range out.Rect.Dx() {
			var r, g, bl, n uint32
			for dy := range f {
				for dx := range f {
					px, py := x*f+dx, y*f+dy
					if px >= w || py >= h {
						continue
					}
					cr, cg, cb, _ := m.At(b.Min.X+px, b.Min.Y+py).RGBA()
					r, g, bl, n = r+cr>>8, g+cg>>8, bl+cb>>8, n+1
				}
			}
			out.SetRGBA(x, y, color.RGBA{uint8(r / n), uint8(g / n), uint8(bl / n), 255})
		}
	}
	return out
}

// writePNG writes m to path, a file of the staging directory.
func writePNG(path string, m goimage.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, m); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}
