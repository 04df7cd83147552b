// Package contracttest is the property test every streaming estimator of
// cxray passes (the contract measure.Merger), called from each estimator
// package's tests with a Case that says how to make, feed and read it:
//
//   - Merge. A random stream is cut into random batches and the batches
//     into k = 1..5 consecutive parts; each part feeds its own estimator,
//     and the parts' states are merged, one after the other or as a
//     balanced tree. The merge must read as the whole stream's state:
//     bit for bit where the mathematics is exact (the N1 estimators keep
//     the points, and under the total tie order their tree is unique), to
//     the case's relative tolerance where float64 sums are regrouped (the
//     moments). A reservoir merges in distribution only; its case checks
//     what can be checked instead (sizes, seen counts, membership). Every
//     merge is repeated and must give the same bytes, and a merged twin is
//     left unchanged.
//   - Round trip. MarshalBinary then UnmarshalBinary, into a zero value and
//     into a configured estimator of the same settings, reads the same and
//     marshals to the same bytes.
//   - Refusals. Bytes of another type, every proper prefix of a state, and
//     a configured estimator of other settings (UnmarshalBinary and Merge
//     both) are errors.
//
// Fuzz seeds a fuzz test with valid states and checks that any byte string
// either fails to unmarshal or is a state that marshals back to itself.
package contracttest
