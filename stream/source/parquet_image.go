package source

import (
	"bytes"
	"context"
	dbsql "database/sql"
	"fmt"
	"regexp"
)

// The windows of an image column. A window holds at least one image, of
// at most maxItemBytes.
var (
	// imageWindowBytes bounds the encoded images one window holds.
	imageWindowBytes int64 = 16 << 20
	// imageWindowRows bounds the rows of a window, whose sizes are read
	// first.
	imageWindowRows = 1024
)

// imageStruct matches DuckDB's type of a struct with a field "bytes" of
// type BLOB, as datasets' Image feature, STRUCT(bytes BLOB, path VARCHAR).
var imageStruct = regexp.MustCompile(`^STRUCT\((.*, )?"?bytes"? BLOB(,.*)?\)$`)

// isImageColumn reports whether a column of DuckDB type typ holds encoded
// images.
func isImageColumn(typ string) bool { return typ == "BLOB" || imageStruct.MatchString(typ) }

// chooseImage picks the image column: the one opt.Image names, or without
// opt.Image and opt.Features the only column that holds images, if there
// is one.
func chooseImage(cols []parquetColumn, label string, opt Options) (*parquetColumn, error) {
	if opt.Image != "" {
		if opt.Features != "" {
			return nil, fmt.Errorf("--image %q and --features %q exclude each other: the samples are images or numeric columns", opt.Image, opt.Features)
		}
		for _, c := range cols {
			if c.name != opt.Image {
				continue
			}
			if c.name == label || !isImageColumn(c.typ) {
				return nil, fmt.Errorf("--image %q: the column is %s; images are stored as a BLOB of the encoded PNG or JPEG file, or a struct with such a bytes field (Hugging Face datasets' Image feature)", opt.Image, c.typ)
			}
			return &c, nil
		}
		return nil, fmt.Errorf("--image: no column %q; columns found: %s", opt.Image, quoteAll(columnNames(cols)))
	}
	if opt.Features != "" {
		return nil, nil
	}
	var found []parquetColumn
	for _, c := range cols {
		if c.name != label && isImageColumn(c.typ) {
			found = append(found, c)
		}
	}
	switch len(found) {
	case 0:
		return nil, nil
	case 1:
		return &found[0], nil
	}
	return nil, fmt.Errorf("columns %s all hold images (BLOB, or a struct with bytes); choose one with --image, or numeric columns with --features", quoteAll(columnNames(found)))
}

func columnNames(cols []parquetColumn) []string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
	}
	return names
}

func orMissing(typ string) string {
	if typ == "" {
		return "missing"
	}
	return typ
}

// parquetImages reads an image column, decoding each row's image as Next
// reaches it. It reads windows of rows whose encoded images take at most
// imageWindowBytes (but at least one row): one query reads the sizes of
// the images of up to imageWindowRows rows, the next the rows that fit.
// The key of a sample (Batch.Keys) is "FILE row R".
type parquetImages struct {
	column  string
	sql     string // the SQL of the encoded bytes
	samples *imageSamples

	file   string   // the file of the window
	from   int64    // the row of blobs[0] in it
	blobs  [][]byte // the window's encoded images
	labels []int32
	at     int // next image of the window
	key    dbsql.NullString
	blob   []byte
}

func newParquetImages(c parquetColumn, t Transform) (*parquetImages, error) {
	samples, err := newImageSamples(t)
	if err != nil {
		return nil, err
	}
	p := &parquetImages{column: c.name, sql: quoteIdent(c.name), samples: samples}
	if c.typ != "BLOB" {
		p.sql += `."bytes"`
	}
	return p, nil
}

// where names the image column of a row.
func (p *parquetImages) where(file string, row int64) string {
	return fmt.Sprintf("%s row %d, column %q", file, row, p.column)
}

// open reads the first image's header: it fixes the sample size if
// nothing else did, and is checked now, so that images of the wrong size
// stop a run before it starts.
func (p *parquetImages) open(ctx context.Context, s *parquetSource) error {
	i := 0
	for s.rows[i] == 0 {
		i++
	}
	var blob []byte
	q := "SELECT " + p.sql + " FROM read_parquet(" + quoteString(s.dbFiles[i]) + ", file_row_number = true) WHERE file_row_number = 0"
	if err := s.db.QueryRowContext(ctx, q).Scan(&blob); err != nil {
		return fmt.Errorf("%s: %v", p.where(s.files[i], 0), oneLineErr(err))
	}
	if blob == nil {
		return p.nullImage(s.files[i], 0)
	}
	h, err := readHeader(blob)
	if err == nil {
		p.samples.fix(p.where(s.files[i], 0), h)
		err = p.samples.check(h)
	}
	if err != nil {
		return fmt.Errorf("%s: %v", p.where(s.files[i], 0), err)
	}
	return nil
}

func (p *parquetImages) nullImage(file string, row int64) error {
	return fmt.Errorf("%s: the image is NULL (missing); a row that names its image by path only is not read: embed the image bytes in the file", p.where(file, row))
}

// next fills b with up to max images.
func (p *parquetImages) next(s *parquetSource, b *Batch, max int) error {
	k, dim := min(max, s.n-s.pos), s.Dim()
	b.resize(k, dim)
	for i := range k {
		if p.at == len(p.blobs) {
			if err := p.fetch(s); err != nil {
				return err
			}
		}
		row := p.from + int64(p.at)
		if err := p.samples.decode(b.X[i*dim:(i+1)*dim], bytes.NewReader(p.blobs[p.at])); err != nil {
			return fmt.Errorf("%s: %v", p.where(p.file, row), err)
		}
		p.blobs[p.at] = nil // decoded: its memory may go
		b.Labels[i] = p.labels[p.at]
		b.Keys = append(b.Keys, parquetImageKey(p.file, row))
		p.at++
	}
	s.pos += k
	return nil
}

// fetch reads the next window of images.
func (p *parquetImages) fetch(s *parquetSource) error {
	ctx := context.Background()
	file, from, want, err := s.nextWindow(imageWindowRows)
	if err != nil {
		return err
	}
	rows := func(n int64) string {
		return fmt.Sprintf(" FROM read_parquet(%s, file_row_number = true) WHERE file_row_number >= %d AND file_row_number < %d ORDER BY file_row_number",
			quoteString(s.dbFiles[s.file]), from, from+n)
	}
	take, err := p.fitting(ctx, s, file, from, "SELECT octet_length("+p.sql+")"+rows(want))
	if err != nil {
		return err
	}
	res, err := s.db.QueryContext(ctx, "SELECT "+s.keySQL+", "+p.sql+rows(take))
	if err != nil {
		return fmt.Errorf("%s: %v", file, oneLineErr(err))
	}
	defer res.Close()
	p.file, p.from, p.at = file, from, 0
	p.blobs, p.labels = p.blobs[:0], p.labels[:0]
	for res.Next() {
		row := from + int64(len(p.blobs))
		if len(p.blobs) == int(take) {
			return fmt.Errorf("%s: more rows than its metadata declares; the file changed while being read", file)
		}
		if err := res.Scan(&p.key, &p.blob); err != nil {
			return fmt.Errorf("%s: %v", p.where(file, row), oneLineErr(err))
		}
		id, ok := s.classID[p.key.String]
		if !p.key.Valid || !ok {
			return fmt.Errorf("%s row %d: label %q was not there when the classes were read; the file changed while being read", file, row, p.key.String)
		}
		if p.blob == nil {
			return p.nullImage(file, row)
		}
		p.blobs, p.labels = append(p.blobs, p.blob), append(p.labels, id)
		p.blob = nil
	}
	if err := res.Err(); err != nil {
		return fmt.Errorf("%s: %v", file, oneLineErr(err))
	}
	if len(p.blobs) != int(take) {
		return fmt.Errorf("%s: %d rows from row %d, where %d were due; the file changed while being read", file, len(p.blobs), from, take)
	}
	s.row = from + take
	return nil
}

// fitting reads the sizes of the next rows' images (query) and returns
// how many of them fit in imageWindowBytes, at least one.
func (p *parquetImages) fitting(ctx context.Context, s *parquetSource, file string, from int64, query string) (int64, error) {
	res, err := s.db.QueryContext(ctx, query)
	if err != nil {
		return 0, fmt.Errorf("%s: %v", file, oneLineErr(err))
	}
	defer res.Close()
	var take, total int64
	var n dbsql.NullInt64
	for res.Next() {
		if err := res.Scan(&n); err != nil {
			return 0, fmt.Errorf("%s: %v", p.where(file, from+take), oneLineErr(err))
		}
		switch {
		case !n.Valid:
			return 0, p.nullImage(file, from+take)
		case n.Int64 > maxItemBytes:
			return 0, fmt.Errorf("%s: an image of %d bytes, more than the %d cxray reads for one sample", p.where(file, from+take), n.Int64, maxItemBytes)
		case take > 0 && total+n.Int64 > imageWindowBytes:
			return take, nil
		}
		take, total = take+1, total+n.Int64
	}
	if err := res.Err(); err != nil {
		return 0, fmt.Errorf("%s: %v", file, oneLineErr(err))
	}
	if take == 0 {
		return 0, fmt.Errorf("%s: no rows from row %d; the file changed while being read", file, from)
	}
	return take, nil
}
