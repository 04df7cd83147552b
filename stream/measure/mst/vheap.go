package mst

import (
	"math"
)

// vHeap is a binary min-heap of vertices by a priority, indexed so that a
// vertex's priority can change or the vertex leave in O(log n). Equal
// priorities go by vertex.
type vHeap struct {
	h   []int32
	pos []int32 // position of v in h, -1 when absent
	pri []float64
}

func newVHeap(n int) vHeap {
	q := vHeap{h: make([]int32, 0, n), pos: make([]int32, n), pri: make([]float64, n)}
	for v := range q.pos {
		q.pos[v] = -1
	}
	return q
}

func (q *vHeap) len() int { return len(q.h) }

// min returns the smallest priority, +Inf when empty.
func (q *vHeap) min() float64 {
	if len(q.h) == 0 {
		return math.Inf(1)
	}
	return q.pri[q.h[0]]
}

func (q *vHeap) less(a, b int32) bool {
	pa, pb := q.pri[a], q.pri[b]
	return pa < pb || pa == pb && a < b
}

func (q *vHeap) swap(i, j int) {
	q.h[i], q.h[j] = q.h[j], q.h[i]
	q.pos[q.h[i]], q.pos[q.h[j]] = int32(i), int32(j)
}

func (q *vHeap) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !q.less(q.h[i], q.h[p]) {
			return
		}
		q.swap(i, p)
		i = p
	}
}

func (q *vHeap) down(i int) {
	for {
		l := 2*i + 1
		if l >= len(q.h) {
			return
		}
		if r := l + 1; r < len(q.h) && q.less(q.h[r], q.h[l]) {
			l = r
		}
		if !q.less(q.h[l], q.h[i]) {
			return
		}
		q.swap(i, l)
		i = l
	}
}

// push adds v, which must be absent, with priority p.
func (q *vHeap) push(v int32, p float64) {
	q.pri[v] = p
	q.pos[v] = int32(len(q.h))
	q.h = append(q.h, v)
	q.up(len(q.h) - 1)
}

// fix sets v's priority to p; v must be present.
func (q *vHeap) fix(v int32, p float64) {
	q.pri[v] = p
	i := int(q.pos[v])
	q.up(i)
	q.down(int(q.pos[v]))
}

// remove takes v out; v must be present.
func (q *vHeap) remove(v int32) {
	i, last := int(q.pos[v]), len(q.h)-1
	if i != last {
		q.swap(i, last)
	}
	q.h = q.h[:last]
	q.pos[v] = -1
	if i != last {
		q.up(i)
		q.down(int(q.pos[q.h[i]]))
	}
}

// pop removes and returns the vertex of smallest priority; the heap must
// not be empty.
func (q *vHeap) pop() int32 {
	v := q.h[0]
	q.remove(v)
	return v
}
