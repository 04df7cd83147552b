package source

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"cxray/stream/source/imageprep"
)

// imageExtensions are torchvision's IMG_EXTENSIONS: ImageFolder lists the
// files whose names end in one of them, in any case, and no others.
var imageExtensions = []string{".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp"}

// decodable are the extensions of the images cxray decodes.
var decodable = []string{".jpg", ".jpeg", ".png"}

// imageFolder streams a folder laid out as torchvision's ImageFolder
// reads it: one sub-folder per class, classes in sorted name order, each
// class's images in os.walk's order (see OpenImageFolder). It holds the
// list of images, their relative paths packed one after another, and
// decodes one image at a time as Next fills a batch.
type imageFolder struct {
	dir     string
	classes []string
	names   []byte  // relative paths, slash-separated, one after another
	ends    []int   // image i's path is names[ends[i-1]:ends[i]]
	labels  []int32 // image i's class
	n, pos  int
	img     *imageSamples
	err     error // sticky: once Next failed it keeps failing
	closed  bool
}

// OpenImageFolder opens the images in dir, laid out as torchvision's
// datasets.ImageFolder reads them, so that the same folder gives the same
// samples in the same order with the same class ids:
//
//   - every sub-folder of dir is a class (a symlink to a folder too); the
//     classes are their names in sorted (byte) order;
//   - a class's images are the files, in it and in its sub-folders at any
//     depth, whose names end in one of torchvision's image extensions
//     (.jpg .jpeg .png .ppm .bmp .pgm .tif .tiff .webp, in any case);
//     others (notes.txt, .DS_Store) are not part of the dataset, as
//     torchvision does not list them. The folders are taken in the sorted
//     order of their paths and the files of each in sorted name order;
//   - files directly in dir are not part of the dataset.
//
// cxray decodes PNG and JPEG (by their content, whatever the extension
// says); a .bmp, .tif, .webp, .ppm or .pgm file is an error naming it, as
// is a file with an image extension that is not a regular file (a FIFO, a
// device, a broken symlink), a class with no image, and a symlink to a
// folder that contains it. With opt.Limit the listing stops at the class
// where the first Limit images are found, so later classes are not
// checked.
//
// Each sample is the image preprocessed by opt.Transform's image steps
// (see Transform), C×H×W: the sample size is fixed by --center-crop,
// else --resize H,W, else the model's input, else the first image; an
// image that comes out of another size is an error naming it. The key of
// a sample (Batch.Keys) is its path relative to dir, slash-separated.
//
// Memory: the list of images, about the length of each relative path plus
// 12 bytes an image (50 MB for ImageNet's 1.28 million training images),
// and one decoded image at a time (see imageprep).
func OpenImageFolder(dir string, opt Options) (Source, error) {
	s := &imageFolder{dir: dir}
	var err error
	if s.img, err = newImageSamples(opt.Transform); err != nil {
		return nil, fmt.Errorf("%s: %v", s.Name(), err)
	}
	if opt.Limit < 0 {
		return nil, fmt.Errorf("%s: limit %d is negative; use 0 for all images", s.Name(), opt.Limit)
	}
	if err := s.list(opt.Limit); err != nil {
		return nil, err
	}
	if s.n, err = checkLimit(s.Name(), opt.Limit, len(s.ends)); err != nil {
		return nil, err
	}
	// The first image fixes the size if nothing else did, and is checked
	// now, so that images of the wrong size stop a run before it starts.
	first := s.path(0)
	f, err := openRegular(first)
	if err != nil {
		return nil, err
	}
	h, err := imageprep.ReadHeader(f)
	f.Close()
	if err == nil {
		s.img.fix(first, h)
		err = s.img.check(h)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %v", first, err)
	}
	return s, nil
}

// list finds the classes and their images, up to limit images (0: all).
func (s *imageFolder) list(limit int) error {
	st, err := os.Stat(s.dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s: no such folder", s.Name())
	case err != nil:
		return fmt.Errorf("%s: %v", s.Name(), err)
	case !st.IsDir():
		return fmt.Errorf("%s is %s, not a folder; imagefolder:DIR takes a folder with one sub-folder of images per class", s.dir, fileKind(st.Mode()))
	}
	entries, err := os.ReadDir(s.dir) // sorted by name
	if err != nil {
		return fmt.Errorf("%s: %v", s.Name(), err)
	}
	for _, e := range entries {
		if isDir(filepath.Join(s.dir, e.Name()), e) {
			if len(s.classes) == MaxClasses {
				return tooManyClasses(s.dir, "is it a folder of classes?")
			}
			s.classes = append(s.classes, e.Name())
		}
	}
	if len(s.classes) == 0 {
		return fmt.Errorf("%s: no sub-folders; imagefolder:DIR takes one sub-folder of images per class, as torchvision's ImageFolder", s.Name())
	}
	for c, class := range s.classes {
		if limit > 0 && len(s.ends) >= limit {
			break
		}
		var dirs []imageDir
		root := filepath.Join(s.dir, class)
		st, err := os.Stat(root)
		if err == nil {
			err = s.walk(root, class, []os.FileInfo{st}, &dirs)
		}
		if err != nil {
			return err
		}
		// os.walk's tuples sorted: by the folders' paths.
		slices.SortFunc(dirs, func(a, b imageDir) int { return strings.Compare(a.rel, b.rel) })
		before := len(s.ends)
		for _, d := range dirs {
			for _, f := range d.files {
				if len(s.ends) == MaxImages {
					return fmt.Errorf("%s: more than %d images, the most cxray lists", s.Name(), MaxImages)
				}
				s.names = append(s.names, path.Join(d.rel, f)...)
				s.ends = append(s.ends, len(s.names))
				s.labels = append(s.labels, int32(c))
			}
		}
		if len(s.ends) == before {
			return fmt.Errorf("%s: no PNG or JPEG image in class folder %q; torchvision's ImageFolder refuses an empty class too: remove the folder or add images", root, class)
		}
	}
	return nil
}

// imageDir is a folder of a class and the images in it, by name.
type imageDir struct {
	rel   string // relative to the dataset's folder, slash-separated
	files []string
}

// walk lists the images of dir and of its sub-folders into dirs; rel is
// dir relative to the dataset's folder, and up holds dir and the folders
// above it, to find a symlink that loops.
func (s *imageFolder) walk(dir, rel string, up []os.FileInfo, dirs *[]imageDir) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("%s: %v", s.Name(), err)
	}
	d := imageDir{rel: rel}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		mode := e.Type()
		if mode&fs.ModeSymlink != 0 {
			st, err := os.Stat(p)
			if err != nil {
				if hasExtension(e.Name(), imageExtensions) {
					return fmt.Errorf("%s: a symbolic link to nothing readable (%v); remove it", p, errors.Unwrap(err))
				}
				continue
			}
			if st.IsDir() {
				for _, a := range up {
					if os.SameFile(a, st) {
						return fmt.Errorf("%s: a symbolic link to a folder that contains it, which would list its images without end; remove it", p)
					}
				}
				if err := s.walk(p, rel+"/"+e.Name(), append(up, st), dirs); err != nil {
					return err
				}
				continue
			}
			mode = st.Mode().Type()
		}
		switch {
		case mode.IsDir():
			st, err := os.Stat(p)
			if err != nil {
				return fmt.Errorf("%s: %v", s.Name(), err)
			}
			if err := s.walk(p, rel+"/"+e.Name(), append(up, st), dirs); err != nil {
				return err
			}
		case !hasExtension(e.Name(), imageExtensions):
			// Not part of the dataset, as torchvision lists it.
		case !hasExtension(e.Name(), decodable):
			return fmt.Errorf("%s: a %s file; cxray decodes PNG and JPEG images only: convert it", p, strings.ToUpper(strings.TrimPrefix(filepath.Ext(e.Name()), ".")))
		case !mode.IsRegular():
			return fmt.Errorf("%s is %s, not a regular file; cxray reads images from regular files only", p, fileKind(mode))
		default:
			d.files = append(d.files, e.Name())
		}
	}
	*dirs = append(*dirs, d)
	return nil
}

// isDir reports whether the entry e at p is a folder, or a symlink to one.
func isDir(p string, e fs.DirEntry) bool {
	if e.Type()&fs.ModeSymlink == 0 {
		return e.IsDir()
	}
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// hasExtension reports whether name ends in one of exts, in any case.
func hasExtension(name string, exts []string) bool {
	lower := strings.ToLower(name)
	return slices.ContainsFunc(exts, func(e string) bool { return strings.HasSuffix(lower, e) })
}

// key is image i's path relative to the folder.
func (s *imageFolder) key(i int) string {
	from := 0
	if i > 0 {
		from = s.ends[i-1]
	}
	return string(s.names[from:s.ends[i]])
}

// path is image i's path.
func (s *imageFolder) path(i int) string {
	return filepath.Join(s.dir, filepath.FromSlash(s.key(i)))
}

func (s *imageFolder) Name() string       { return "imagefolder:" + s.dir }
func (s *imageFolder) SampleShape() []int { return s.img.shape() }
func (s *imageFolder) Dim() int           { return shapeDim(s.img.shape()) }
func (s *imageFolder) Len() int           { return s.n }
func (s *imageFolder) Classes() []string  { return slices.Clone(s.classes) }

func (s *imageFolder) Next(b *Batch, max int) error {
	if s.err != nil {
		return s.err
	}
	if err := checkMax(s.Name(), max); err != nil {
		return err
	}
	if s.closed {
		return fmt.Errorf("%s: Next called after Close", s.Name())
	}
	if s.pos >= s.n {
		return io.EOF
	}
	k, dim := min(max, s.n-s.pos), s.Dim()
	b.resize(k, dim)
	for i := range k {
		j := s.pos + i
		if err := s.read(b.X[i*dim:(i+1)*dim], j); err != nil {
			s.err = err
			return err
		}
		b.Labels[i] = s.labels[j]
		b.Keys = append(b.Keys, s.key(j))
	}
	s.pos += k
	return nil
}

// read decodes image i into dst.
func (s *imageFolder) read(dst []float32, i int) error {
	p := s.path(i)
	f, err := openRegular(p)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := s.img.decode(dst, f); err != nil {
		return fmt.Errorf("%s: %v", p, err)
	}
	return nil
}

func (s *imageFolder) Close() error {
	s.closed = true
	return nil
}

// shapeDim is the product of a shape's dimensions.
func shapeDim(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}
