// Package shard computes exact N1 of a dataset too large for one machine,
// and the measures whose states merge, as a set of independent tasks that
// any scheduler can run (Slurm's job arrays, a Kubernetes Indexed Job, a
// shell loop), each keyed by one index.
//
// # The lemma
//
// Fix a strict total order on edges: squared distance, then the smaller
// point id, then the larger. Under it the minimum spanning tree is unique.
// Split the points into shards S_1..S_s and let T_ij be the tree of
// S_i ∪ S_j. Then MST(all) ⊆ ∪ T_ij: an edge missing from T_ij is the
// largest edge of a cycle within S_i ∪ S_j (the cycle property), and that
// cycle is also a cycle of the whole graph, so the edge is not in the
// whole tree either. Kruskal on the union of the pair trees, under the
// same order, therefore returns the exact tree (Lattanzi, Moseley, Suri
// and Vassilvitskii, "Filtering: a method for solving graph problems in
// MapReduce", SPAA 2011; Bateni et al., "Affinity Clustering: Hierarchical
// Clustering at Scale", NeurIPS 2017).
//
// The union has at most (s−1)·n edges, an edge within one shard appearing
// in s−1 pair trees. The distance work is Σ_(i<j) C(|S_i|+|S_j|, 2), about
// n²(s−1)/s, twice one machine's for large s, spread over s(s−1)/2
// independent pair tasks.
//
// DCoL's tie rule (dense Prim from vertex 0, strict <) is not defined by an
// order of edges and does not decompose: a sharded run always uses the
// total order ("ties": "total"), which cxray analyze --ties total also
// offers on one machine, and the two give the same tree and the same N1.
// The float32 activations are computed once, by the extract tasks: the
// same sample's activations computed on two CPUs may differ in their last
// bits and flip a near-tie.
//
// # The protocol
//
// All state lives in one work folder W on a file system every task sees:
//
//	W/manifest.json          Plan: model hash, dataset, shards, layers, tasks
//	W/extract/I/, I.done     Extract task I: the layers' points and the labels
//	                         of shard I, the states of the other measures,
//	                         then a marker with their checksums
//	W/pairs/T/, T.done       Pairs task T: the trees of its shard pairs, one
//	                         Parquet file of edges per layer, then a marker
//	W/covers/T/, T.done      Covers task T (T1 only, once every pairs task is
//	                         done): the points inside T1's hyperspheres among
//	                         pairs task T's shard pairs, then a marker
//
// A task writes into a temporary folder, renames it into place and writes
// its marker last, so a marker means the task's files are whole; a task run
// again after a crash replaces them with the same bytes. Merge refuses while
// a marker is missing or a checksum disagrees, naming the tasks to run
// again; otherwise it runs Kruskal per layer and writes one run into the
// DuckDB file. Only Merge writes the database: DuckDB has one writer.
//
// # The other measures
//
// Beside N1 a plan may name the measures whose streaming states merge
// (measure.Merger): F1, F1v, F2, T2, T3, T4, C1 and C2 from the class
// moments (feature.Moments), NC1 from the class means and the pooled
// within-class scatter (repr.NC1Moments), CKA_prev and CKA_input from the
// sums of unbiased HSICs (repr.CKA). Each extract task writes every
// layer's states, marshalled (StateFile), and Merge merges them in shard
// order and writes the rows cxray analyze writes: equal to its values to
// 1e-9 relative, float64 sums being regrouped, but for CKA, whose
// minibatches are formed within each shard (params.order says so). N2
// and N3 are exact under the total order: N2 from every point's nearest
// same-class and other-class distances, minima the pairs tasks write
// (NearFile) and Merge takes over all tasks; N3 from the merged tree,
// where each point's lightest edge leads to its nearest neighbour
// (NearestInTree).
//
// T1 is exact too, in a second phase. Its radius r_i follows the chain of
// nearest enemies (neighbour.RadiiOf), so it is known only once every pair
// is done. The pairs tasks record each point's nearest enemy's index with
// its distance, the least under the total order (distance, then the lower
// index): the enemy a single machine picks under --ties total, and a
// minimum that merges. Covers task T (Covers) merges them into the radii
// and writes, for pairs task T's shard pairs, every pair (i, j) with j in
// i's local set and d(i,j) < r_i, in one machine's arithmetic; shard pair
// (a, b) looks at a against b both ways, and within a shard only if it is
// the first pair holding it, so each cover is written once. Merge runs the
// single machine's greedy removal over them (neighbour.T1Of).
//
// The measures that need more of the points of every shard together (F3
// and F4, the other neighbourhood and network measures, the classifiers,
// GDV) are refused by Plan in one line.
//
// # Memory
//
// An extract task holds what cxray analyze's forward pass holds, plus each
// layer's states (k·4d float64 of moments, k·d² with co-moments, d² for
// NC1) and, for CKA, two layers of its shard at a time. A pairs
// task holds the points of two shards of one layer at a time,
// (|S_i|+|S_j|)·d float32, and their tree's workspace. A covers task holds
// the points of two shards of one layer and 24 bytes per sample (nearest
// enemies and radii). Merge holds the edges of one layer, 24 bytes each,
// (s−1)·n at most, and the labels, then two states of one layer at a time;
// with T1, every sphere's covers of one layer, 8 bytes each with T1's
// reverse index, as one machine's local sets hold them.
package shard
