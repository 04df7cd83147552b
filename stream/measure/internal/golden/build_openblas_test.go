//go:build openblas

package golden

// build names the BLAS of this test binary in the golden file.
const build = "openblas"
