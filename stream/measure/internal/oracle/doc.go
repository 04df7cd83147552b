// Package oracle holds what the measure packages' tests compare with and
// feed in: a textbook dense Prim written apart from package mst, a runner
// for the float64 reference fixtures/reference/n1_reference.py, and the
// fixtures as the estimators receive them (iris and MNIST in float32,
// random sets with and without ties). It is for tests only.
package oracle
