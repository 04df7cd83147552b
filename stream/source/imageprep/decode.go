package imageprep

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"strings"
)

// MaxPixels is the most pixels cxray decodes in one image, PIL's own
// decompression-bomb limit (Image.MAX_IMAGE_PIXELS, 89 million) rounded
// down to a power of two: 2²⁵, a 6000×5000 photo or 5792×5792.
const MaxPixels = 1 << 25

// MaxDecodedBytes bounds the memory of one decoded image, in the form Go's
// decoder gives it (4 bytes a pixel for 8-bit RGB PNG, 8 for 16-bit,
// up to 3 for JPEG): 128 MiB.
const MaxDecodedBytes = 1 << 27

// Formats cxray decodes.
const (
	PNG  = "png"
	JPEG = "jpeg"
)

var (
	pngMagic  = []byte("\x89PNG\r\n\x1a\n")
	jpegMagic = []byte{0xff, 0xd8, 0xff}
)

// others names the image formats cxray recognizes but does not decode, by
// their first bytes, so that the error says what the file is.
var others = []struct {
	magic, name string
}{
	{"GIF8", "a GIF image"},
	{"BM", "a BMP image"},
	{"II*\x00", "a TIFF image"},
	{"MM\x00*", "a TIFF image"},
	{"RIFF", "a RIFF file (WebP?)"},
	{"P5", "a PGM image"},
	{"P6", "a PPM image"},
}

// Sniff says which format data starts like: PNG, JPEG, or an error that
// says what it is instead.
func Sniff(head []byte) (string, error) {
	switch {
	case bytes.HasPrefix(head, pngMagic):
		return PNG, nil
	case bytes.HasPrefix(head, jpegMagic):
		return JPEG, nil
	case len(head) == 0:
		return "", errors.New("empty, not a PNG or JPEG image")
	}
	for _, o := range others {
		if bytes.HasPrefix(head, []byte(o.magic)) {
			return "", fmt.Errorf("%s; cxray decodes PNG and JPEG only: convert it", o.name)
		}
	}
	return "", errors.New("not a PNG or JPEG image (its first bytes are neither's signature)")
}

// Header is what an image's header declares.
type Header struct {
	Format string // PNG or JPEG
	W, H   int
	Model  color.Model
}

// ReadHeader reads the header of the PNG or JPEG image r starts with and
// checks its size against MaxPixels and MaxDecodedBytes.
func ReadHeader(r io.Reader) (Header, error) {
	br := bufio.NewReader(r)
	head, _ := br.Peek(len(pngMagic))
	format, err := Sniff(head)
	if err != nil {
		return Header{}, err
	}
	var cfg image.Config
	if format == PNG {
		cfg, err = png.DecodeConfig(br)
	} else {
		cfg, err = jpeg.DecodeConfig(br)
	}
	if err != nil {
		return Header{}, decodeError(format, err)
	}
	h := Header{Format: format, W: cfg.Width, H: cfg.Height, Model: cfg.ColorModel}
	return h, h.check()
}

// decodeError says why an image of format did not decode.
func decodeError(format string, err error) error {
	// image/png says "invalid format: unexpected EOF" for a cut stream,
	// image/jpeg "short Huffman data" for a scan cut short.
	msg := err.Error()
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || strings.Contains(msg, "unexpected EOF") || strings.Contains(msg, "short Huffman data") {
		return fmt.Errorf("truncated %s image: %v", upper(format), err)
	}
	return fmt.Errorf("not a valid %s image: %v", upper(format), err)
}

func upper(format string) string {
	if format == PNG {
		return "PNG"
	}
	return "JPEG"
}

// check refuses an image too large to decode.
func (h Header) check() error {
	if h.W <= 0 || h.H <= 0 {
		return fmt.Errorf("its %s header declares %d×%d pixels", upper(h.Format), h.H, h.W)
	}
	px := int64(h.W) * int64(h.H)
	if px > MaxPixels || px*h.bytesPerPixel() > MaxDecodedBytes {
		return fmt.Errorf("its %s header declares %d×%d pixels (height×width), more than cxray decodes in one image (%d pixels, %d MiB decoded): a decompression bomb, or downscale it first",
			upper(h.Format), h.H, h.W, MaxPixels, MaxDecodedBytes>>20)
	}
	return nil
}

// bytesPerPixel is the most bytes a pixel of h's colour model takes in
// Go's decoded image: a greyscale PNG with a transparent colour decodes
// to NRGBA, a 16-bit one to NRGBA64.
func (h Header) bytesPerPixel() int64 {
	switch h.Model {
	case color.Gray16Model, color.RGBA64Model, color.NRGBA64Model:
		return 8
	case color.YCbCrModel:
		return 3
	}
	if _, ok := h.Model.(color.Palette); ok {
		return 1
	}
	return 4
}

// Decode decodes the PNG or JPEG image r holds into channels channels:
// 1 (PIL's mode L) or 3 (RGB). It reads the header first and refuses an
// image too large to decode before anything is allocated for it; check,
// if not nil, may refuse the header too.
func Decode(r io.ReadSeeker, channels int, check func(Header) error) (*Image, Header, error) {
	if channels != 1 && channels != 3 {
		return nil, Header{}, fmt.Errorf("images convert to 1 channel (greyscale) or 3 (RGB), not %d", channels)
	}
	h, err := ReadHeader(r)
	if err == nil && check != nil {
		err = check(h)
	}
	if err != nil {
		return nil, h, err
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, h, err
	}
	var img image.Image
	br := bufio.NewReader(r)
	if h.Format == PNG {
		img, err = png.Decode(br)
	} else {
		img, err = jpeg.Decode(br)
	}
	if err != nil {
		return nil, h, decodeError(h.Format, err)
	}
	if b := img.Bounds(); b.Dx() != h.W || b.Dy() != h.H {
		return nil, h, fmt.Errorf("decoded to %d×%d pixels, but its header declares %d×%d", b.Dy(), b.Dx(), h.H, h.W)
	}
	return convert(img, channels), h, nil
}
