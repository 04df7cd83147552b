// Package numeric holds small numeric routines that several measure
// packages share: selection of the k-th smallest value, and a Gram matrix
// whose every entry is summed in index order, so that its value does not
// depend on the blocking or the number of workers.
package numeric
