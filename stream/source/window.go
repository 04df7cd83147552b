package source

import (
	"errors"
	"fmt"
	"io"
)

// Window returns the count samples of src that follow its first offset
// ones: the shard of a dataset that one task of a sharded run reads. The
// skipped samples are read and dropped, in batches, so any source can be
// windowed; the classes stay those of the whole src, so that every shard
// numbers them alike. A Layered src stays Layered.
func Window(src Source, offset, count int) (Source, error) {
	if offset < 0 || count < 0 || offset > src.Len()-count {
		return nil, fmt.Errorf("%s: samples %d to %d are outside its %d samples", src.Name(), offset, offset+count, src.Len())
	}
	w := &window{Source: src, skip: offset, left: count, count: count}
	if l, ok := src.(Layered); ok {
		return &layeredWindow{window: w, parts: l.Parts()}, nil
	}
	return w, nil
}

// window yields count samples of its Source after skipping skip.
type window struct {
	Source
	skip, left, count int
	drop              Batch
}

func (w *window) Len() int { return w.count }

// Integers reports whether the windowed source stores integers.
func (w *window) Integers() bool {
	i, ok := w.Source.(Integral)
	return ok && i.Integers()
}

func (w *window) Next(b *Batch, max int) error {
	if err := checkMax(w.Name(), max); err != nil {
		return err
	}
	for w.skip > 0 {
		err := w.Source.Next(&w.drop, min(w.skip, 4096))
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%s: ended %d samples before the window", w.Name(), w.skip)
		}
		if err != nil {
			return err
		}
		w.skip -= w.drop.N
	}
	if w.left == 0 {
		return io.EOF
	}
	if err := w.Source.Next(b, min(max, w.left)); err != nil {
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%s: ended %d samples before the end of the window", w.Name(), w.left)
		}
		return err
	}
	w.left -= b.N
	return nil
}

// layeredWindow is a window of a Layered source.
type layeredWindow struct {
	*window
	parts []Part
}

func (w *layeredWindow) Parts() []Part { return w.parts }
